import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsBoundedInt, IsText, MAX_SEQ, OptionalField } from '../../../common/http/validators.js';
import type { WitnessKeyEntity } from '../entities/witness-key.entity.js';
import { publicKeyPem } from '../transparency/signed-note.js';

export class RegisterWitnessKeyRequest {
  @ApiProperty({
    description:
      'The witness’s Ed25519 public key: a C2SP verifier key `<name>+<key id>+<base64(0x04 ‖ key)>` (type 0x04, cosignature/v1; a plain Ed25519 verifier key of type 0x01 is taken as the same key, with its 0x04 key id), or a PEM (SPKI) Ed25519 public key, then with `name`',
  })
  @IsText(1, 2000)
  key: string;

  @ApiPropertyOptional({
    description:
      'The key name its signature lines carry (no white space, no `+`): required with a PEM key; with a verifier key, the name it holds (else 422 WITNESS_KEY_INVALID)',
    example: 'witness.city-a.example.jp/kanribo',
  })
  @OptionalField()
  @IsText(1, 200)
  name?: string;
}

export class WitnessKeyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The ward whose key it is' })
  organizationId: string;
  @ApiProperty({ description: 'The key name of its signature lines' }) name: string;
  @ApiProperty({ description: 'The C2SP key id, SHA-256(name ‖ \\n ‖ 0x04 ‖ key)[:4], 8 hex' })
  keyId: string;
  @ApiProperty({
    description: 'The C2SP verifier key, `<name>+<key id>+<base64(0x04 ‖ public key)>`',
  })
  verifierKey: string;
  @ApiProperty({ description: 'The same Ed25519 public key as PEM (SPKI)' })
  publicKeyPem: string;
  @ApiProperty({ format: 'uuid' }) createdByUserId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) revokedByUserId: string | null;

  static from(key: WitnessKeyEntity): WitnessKeyResponse {
    return {
      id: key.id,
      organizationId: key.organizationId,
      name: key.name,
      keyId: key.keyId,
      verifierKey: key.verifierKey,
      publicKeyPem: publicKeyPem({ publicKey: Buffer.from(key.publicKey, 'hex') }),
      createdByUserId: key.createdByUserId,
      createdAt: key.createdAt,
      revokedAt: key.revokedAt,
      revokedByUserId: key.revokedByUserId,
    };
  }
}

export class CosignCheckpointRequest {
  @ApiProperty({
    format: 'uuid',
    description: 'The registered witness key of the caller’s ward that made the cosignature',
  })
  @IsUUID()
  witnessKeyId: string;

  @ApiProperty({ description: 'The size of the stored checkpoint cosigned' })
  @IsBoundedInt(1, MAX_SEQ)
  treeSize: number;

  @ApiProperty({
    description:
      'The cosignature/v1: its note signature line `— <name> <base64(key id ‖ timestamp ‖ signature)>` (the newline optional), or only the base64 part',
    example:
      '— witness.city-a.example.jp/kanribo eJDMKgAAAABrCMgA9CJ0PhTtFO/VoIlKbw3sNTfNWY46qeq0+XdH04vDkg2iTfKCVyUPtD1+63hBxnXI0lomjPAJUAq3v9c4TivvCw==',
  })
  @IsText(1, 1000)
  cosignature: string;
}
