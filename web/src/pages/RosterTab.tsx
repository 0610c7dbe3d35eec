import type { Contract } from './ContractPage';

export function RosterTab({ contract }: { contract: Contract }) {
  return <h2 data-contract={contract.id}>名簿</h2>;
}
