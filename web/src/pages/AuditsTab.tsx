import type { Contract } from './ContractPage';

export function AuditsTab({ contract }: { contract: Contract }) {
  return <h2 data-contract={contract.id}>立入調査</h2>;
}
