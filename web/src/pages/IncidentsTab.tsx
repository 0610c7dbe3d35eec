import type { Contract } from './ContractPage';

export function IncidentsTab({ contract }: { contract: Contract }) {
  return <h2 data-contract={contract.id}>事故</h2>;
}
