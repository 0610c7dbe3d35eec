import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { LedgerEntryResponse } from './ledger.dto.js';
import { MAX_SEQ, QueryInt, RequiredQueryInt } from '../../../common/http/validators.js';

export class CheckpointQuery {
  @ApiPropertyOptional({
    description: 'Tree size of a stored checkpoint; absent: the checkpoint of the whole ledger now',
  })
  @QueryInt(1, MAX_SEQ)
  size?: number;
}

export class InclusionProofQuery {
  @ApiProperty({ description: 'The entry (its seq; its leaf index is seq − 1)' })
  @RequiredQueryInt(1, MAX_SEQ)
  seq: number;

  @ApiPropertyOptional({ description: 'Tree size the proof is for; absent: the whole ledger' })
  @QueryInt(1, MAX_SEQ)
  size?: number;
}

export class ConsistencyProofQuery {
  @ApiProperty({ description: 'The earlier tree size (a checkpoint seen before)' })
  @RequiredQueryInt(1, MAX_SEQ)
  from: number;

  @ApiPropertyOptional({ description: 'The later tree size; absent: the whole ledger' })
  @QueryInt(1, MAX_SEQ)
  to?: number;
}

export class CheckpointCosignatureResponse {
  @ApiProperty({ description: 'The witness key’s name, as in its signature line' })
  witnessName: string;
  @ApiProperty({ description: 'The witness key’s C2SP key id (0x04), 8 hex digits' }) keyId: string;
  @ApiProperty({ description: 'The cosignature’s timestamp, seconds since 1970' })
  timestamp: number;
  @ApiProperty({ format: 'date-time', description: 'The same timestamp as an instant' })
  cosignedAt: string;
  @ApiProperty({ description: 'The signature line, as appended to the note' }) line: string;
}

export class CheckpointResponse {
  @ApiProperty() contractId: string;
  @ApiProperty({ description: 'Entries the checkpoint covers (the tree size)' }) treeSize: number;
  @ApiProperty({ description: 'The Merkle tree root, lowercase hex (base64 in the note)' })
  rootHash: string;
  @ApiProperty({
    description:
      'The C2SP signed note: origin `kanribo/<installation id>/<contract id>`, tree size, base64 root, an empty line, the Ed25519 signature line of the key at GET /api/transparency/key, then one cosignature/v1 line per witness that cosigned it (C2SP tlog-cosignature)',
  })
  note: string;
  @ApiProperty({
    type: () => [CheckpointCosignatureResponse],
    description:
      'The witnesses’ cosignatures of this checkpoint, in the order recorded (by time, then key id)',
  })
  cosignatures: CheckpointCosignatureResponse[];
  @ApiProperty({
    description:
      'Why it was signed: `interval`, `requested`, or the entry type that requires one (`deletion_certificate_confirmed`, `contract_closed`, `audit_recorded`)',
  })
  reason: string;
  @ApiProperty({ format: 'date-time' }) signedAt: string;
}

export class InclusionProofResponse {
  @ApiProperty() seq: number;
  @ApiProperty({ description: 'seq − 1: the leaf index RFC 9162 counts from 0' }) leafIndex: number;
  @ApiProperty() treeSize: number;
  @ApiProperty({
    description:
      'SHA-256(0x00 ‖ the RFC 8785 canonical JSON of the entry as served, hash included), hex',
  })
  leafHash: string;
  @ApiProperty({ description: 'Root of the tree of treeSize entries, hex' }) rootHash: string;
  @ApiProperty({ type: [String], description: 'RFC 9162 §2.1.3 audit path, bottom first, hex' })
  proof: string[];
}

export class ConsistencyProofResponse {
  @ApiProperty() from: number;
  @ApiProperty() to: number;
  @ApiProperty({ description: 'Root of the tree of `from` entries, hex' }) fromRootHash: string;
  @ApiProperty({ description: 'Root of the tree of `to` entries, hex' }) toRootHash: string;
  @ApiProperty({ type: [String], description: 'RFC 9162 §2.1.4 consistency proof, hex' })
  proof: string[];
}

export class VerifierKeyResponse {
  @ApiProperty({ description: 'The key’s name: `kanribo/<installation id>`' }) name: string;
  @ApiProperty({ description: 'The C2SP key id, 8 hex digits' }) keyId: string;
  @ApiProperty({
    description:
      'The C2SP verifier key, `<name>+<key id>+<base64(0x01 ‖ public key)>`, as Go’s sumdb/note reads it',
  })
  verifierKey: string;
  @ApiProperty({ description: 'The Ed25519 public key as PEM (SPKI), for openssl' })
  publicKeyPem: string;
  @ApiProperty() installationId: string;
  @ApiProperty({
    description: 'Every checkpoint’s origin is this prefix followed by the contract id',
  })
  originPrefix: string;
}

export class EntryProofParams {
  @ApiProperty({ description: 'The contract' })
  @IsString()
  id: string;

  @RequiredQueryInt(1, MAX_SEQ)
  seq: number;
}

export class EntryProofQuery {
  @ApiPropertyOptional({
    description:
      'Tree size of a stored checkpoint to prove against (at least seq); absent: the checkpoint of the whole ledger now',
  })
  @QueryInt(1, MAX_SEQ)
  size?: number;
}

export class EntryProofResponse {
  @ApiProperty({
    type: LedgerEntryResponse,
    description: 'The entry, exactly as the ledger serves it',
  })
  entry: LedgerEntryResponse;
  @ApiProperty({
    type: CheckpointResponse,
    description: 'A signed checkpoint that covers the entry',
  })
  checkpoint: CheckpointResponse;
  @ApiProperty({
    type: InclusionProofResponse,
    description: 'The entry’s inclusion proof in the checkpoint’s tree',
  })
  inclusion: InclusionProofResponse;
  @ApiProperty({ description: 'The C2SP verifier key that signs checkpoints' }) verifierKey: string;
  @ApiProperty({ description: 'The same key as PEM (SPKI)' }) publicKeyPem: string;
  @ApiProperty({
    description:
      'How to check it, in Japanese: leaf = SHA-256(0x00 ‖ RFC 8785 JSON of entry), the RFC 9162 audit path to the root, the root against the signed note',
  })
  howToVerify: string;
}
