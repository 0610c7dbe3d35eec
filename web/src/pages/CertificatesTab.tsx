import type { Contract } from './ContractPage';

export function CertificatesTab({ contract }: { contract: Contract }) {
  return <h2 data-contract={contract.id}>消去証明書</h2>;
}
