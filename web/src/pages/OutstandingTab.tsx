import type { Contract } from './ContractPage';

export function OutstandingTab({ contract }: { contract: Contract }) {
  return <h2 data-contract={contract.id}>未返却・未消去</h2>;
}
