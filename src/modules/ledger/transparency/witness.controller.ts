import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../../common/auth/auth.decorators.js';
import { ListOf } from '../../../common/http/list.js';
import { ApiErrors } from '../../../openapi/api-document.js';
import { ApiJsonBody } from '../../../openapi/api-json-body.js';
import type { Actor } from '../../identity/roles.js';
import { CheckpointResponse } from '../dto/transparency.dto.js';
import {
  CosignCheckpointRequest,
  RegisterWitnessKeyRequest,
  WitnessKeyResponse,
} from '../dto/witness.dto.js';
import { WitnessService } from './witness.service.js';

const WARD_ONLY =
  'Ward officers and auditors, for their own ward; contractor staff and admins get 403 FORBIDDEN_ROLE (a witness the log’s operator could hold would witness nothing).';

// A witness key (the Ed25519 seed 0x07…07) and its cosignature, at
// 2026-11-27T00:00:00Z, of a checkpoint of 12 entries: real values.
const EXAMPLE_VKEY =
  'witness.city-a.example.jp/kanribo+7890cc2a+BOpKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs';
const EXAMPLE_PEM =
  '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw=\n-----END PUBLIC KEY-----\n';
const EXAMPLE_COSIGNATURE =
  '— witness.city-a.example.jp/kanribo eJDMKgAAAABrCMgA9CJ0PhTtFO/VoIlKbw3sNTfNWY46qeq0+XdH04vDkg2iTfKCVyUPtD1+63hBxnXI0lomjPAJUAq3v9c4TivvCw==';

/** A ward's witness keys, which cosign checkpoints of its contracts' 管理簿. */
@ApiTags('ledger')
@ApiBearerAuth()
@Roles('ward_officer', 'auditor')
@Controller('witness-keys')
export class WitnessKeysController {
  constructor(private readonly witnesses: WitnessService) {}

  @Post()
  @ApiOperation({
    summary: 'Register a witness key of your ward',
    description: `${WARD_ONLY} Registers an Ed25519 public key with which the ward cosigns checkpoints of its contracts (C2SP tlog-cosignature, cosignature/v1): a C2SP verifier key (type 0x04; a plain Ed25519 verifier key of type 0x01 is taken as the same key, with its 0x04 key id), or a PEM public key with \`name\`. 422 WITNESS_KEY_INVALID for anything else (a private key, a certificate, another algorithm, a key id that does not match, a name that differs from the key’s); 409 WITNESS_KEY_EXISTS when the ward registered that public key before.`,
  })
  @ApiJsonBody(
    RegisterWitnessKeyRequest,
    {
      name: 'verifierKey',
      summary: 'A C2SP verifier key (type 0x04)',
      value: { key: EXAMPLE_VKEY },
    },
    {
      name: 'pem',
      summary: 'A PEM Ed25519 public key with its key name',
      value: { key: EXAMPLE_PEM, name: 'witness.city-a.example.jp/kanribo' },
    },
  )
  @ApiCreatedResponse({ type: WitnessKeyResponse, description: 'The registered witness key' })
  @ApiErrors('WITNESS_KEY_EXISTS', 'WITNESS_KEY_INVALID', 'WITNESS_KEY_LIMIT')
  async register(
    @CurrentActor() actor: Actor,
    @Body() body: RegisterWitnessKeyRequest,
  ): Promise<WitnessKeyResponse> {
    return WitnessKeyResponse.from(await this.witnesses.register(actor, body));
  }

  @Get()
  @ApiOperation({
    summary: 'List your ward’s witness keys',
    description: `${WARD_ONLY} Every witness key of the caller’s ward, revoked ones included, oldest first; nothing is written.`,
  })
  @ApiOkResponse({ type: ListOf(WitnessKeyResponse), description: 'The keys, oldest first' })
  @ApiErrors('FORBIDDEN_ROLE')
  async list(@CurrentActor() actor: Actor): Promise<{ items: WitnessKeyResponse[] }> {
    const items = await this.witnesses.list(actor);
    return { items: items.map((key) => WitnessKeyResponse.from(key)) };
  }

  @Get(':keyId')
  @ApiOperation({
    summary: 'One witness key of your ward',
    description: `${WARD_ONLY} 404 WITNESS_KEY_NOT_FOUND for a key of another ward, as for one that does not exist; nothing is written.`,
  })
  @ApiOkResponse({ type: WitnessKeyResponse, description: 'The witness key' })
  @ApiErrors('WITNESS_KEY_NOT_FOUND')
  async get(
    @CurrentActor() actor: Actor,
    @Param('keyId') keyId: string,
  ): Promise<WitnessKeyResponse> {
    return WitnessKeyResponse.from(await this.witnesses.get(actor, keyId));
  }

  @Delete(':keyId')
  @ApiOperation({
    summary: 'Revoke a witness key of your ward',
    description: `${WARD_ONLY} From now on the key cosigns nothing (409 WITNESS_KEY_REVOKED); the cosignatures it made stay served with their checkpoints, and it stays listed with when and by whom it was revoked. Revoking it again changes nothing and answers the same. 404 WITNESS_KEY_NOT_FOUND for a key of another ward.`,
  })
  @ApiOkResponse({ type: WitnessKeyResponse, description: 'The witness key, revoked' })
  @ApiErrors('WITNESS_KEY_NOT_FOUND')
  async revoke(
    @CurrentActor() actor: Actor,
    @Param('keyId') keyId: string,
  ): Promise<WitnessKeyResponse> {
    return WitnessKeyResponse.from(await this.witnesses.revoke(actor, keyId));
  }
}

/** A ward's cosignatures of its contracts' checkpoints. */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller('contracts/:id/ledger')
export class CheckpointCosignController {
  constructor(private readonly witnesses: WitnessService) {}

  @Roles('ward_officer', 'auditor')
  @Post('checkpoint/cosign')
  @ApiOperation({
    summary: 'Cosign a checkpoint of the ledger as the ward’s witness (C2SP tlog-cosignature)',
    description: `Ward officers and auditors of the contract’s ward (another ward’s get 404 CONTRACT_NOT_FOUND; contractor staff and admins 403 FORBIDDEN_ROLE), with a witness key of their ward (404 WITNESS_KEY_NOT_FOUND for another’s or an unknown one, 409 WITNESS_KEY_REVOKED). The witness first verifies the stored checkpoint of \`treeSize\` entries (GET …/ledger/checkpoint?size=, signed by the key at GET /api/transparency/key) and its consistency with the last checkpoint it cosigned (GET …/ledger/proof/consistency), then signs \`cosignature/v1\\ntime <unix seconds>\\n\` followed by the checkpoint’s text and sends the signature line. The service verifies it over exactly that checkpoint’s text with the registered key and stores it: 404 CHECKPOINT_NOT_FOUND when no checkpoint of that size is stored; 400 COSIGNATURE_MALFORMED for a line that is not a cosignature/v1; 422 COSIGNATURE_KEY_MISMATCH when it names another key, COSIGNATURE_TIMESTAMP_INVALID for a time more than 5 minutes ahead, COSIGNATURE_INVALID when it does not verify (another text, another size); 422 COSIGNATURE_ROLLBACK for a size below the last this key cosigned of the contract; 409 COSIGNATURE_EXISTS when the key cosigned that size with another line (the same line again changes nothing). Answers the checkpoint as now served: the log’s note with every cosignature line appended.`,
  })
  @ApiJsonBody(CosignCheckpointRequest, {
    name: 'line',
    summary: 'The signature line a witness made',
    value: {
      witnessKeyId: '6f1c9a52-3d0e-4b8f-9a41-2c7e5d8b1f03',
      treeSize: 12,
      cosignature: EXAMPLE_COSIGNATURE,
    },
  })
  @ApiCreatedResponse({
    type: CheckpointResponse,
    description: 'The checkpoint as now served, with its cosignatures',
  })
  @ApiErrors(
    'CONTRACT_NOT_FOUND',
    'NOT_CONTRACT_WARD',
    'WITNESS_KEY_NOT_FOUND',
    'WITNESS_KEY_REVOKED',
    'CHECKPOINT_NOT_FOUND',
    'COSIGNATURE_MALFORMED',
    'COSIGNATURE_KEY_MISMATCH',
    'COSIGNATURE_TIMESTAMP_INVALID',
    'COSIGNATURE_INVALID',
    'COSIGNATURE_ROLLBACK',
    'COSIGNATURE_EXISTS',
  )
  async cosign(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CosignCheckpointRequest,
  ): Promise<CheckpointResponse> {
    return this.witnesses.cosign(actor, id, body);
  }
}
