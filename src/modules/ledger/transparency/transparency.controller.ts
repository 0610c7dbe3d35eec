import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Public } from '../../../common/auth/auth.decorators.js';
import { ApiErrors } from '../../../openapi/api-document.js';
import { RosterService } from '../../contracts/roster.service.js';
import type { Actor } from '../../identity/roles.js';
import {
  CheckpointQuery,
  CheckpointResponse,
  ConsistencyProofQuery,
  ConsistencyProofResponse,
  EntryProofParams,
  EntryProofQuery,
  EntryProofResponse,
  InclusionProofQuery,
  InclusionProofResponse,
  VerifierKeyResponse,
} from '../dto/transparency.dto.js';
import { TransparencyService } from './transparency.service.js';

const READERS =
  'The ward’s officers and auditors, and contractor staff named on the roster today (need to know); admins are refused (403 FORBIDDEN_ROLE), contractor staff without a valid roster entry get 403 NOT_ROSTERED.';

/** Signed checkpoints and Merkle proofs of a contract's 管理簿. */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller('contracts/:id/ledger')
export class LedgerProofController {
  constructor(
    private readonly transparency: TransparencyService,
    private readonly roster: RosterService,
  ) {}

  @Get('checkpoint')
  @ApiOperation({
    summary: 'The signed checkpoint of a contract’s ledger',
    description: `${READERS} Without \`size\`: the checkpoint of the whole ledger as it is now — the latest stored one when it covers every entry, else one signed and stored now. With \`size\`: the stored checkpoint of exactly that many entries (404 CHECKPOINT_NOT_FOUND when none was signed at that size). Checkpoints are C2SP tlog-checkpoints in a C2SP signed note, verifiable with the key at GET /api/transparency/key; the service never holds two of the same size. The note carries, after the log’s signature, the cosignature/v1 line of each witness key of the ward that cosigned it (POST …/ledger/checkpoint/cosign), also listed in \`cosignatures\`.`,
  })
  @ApiOkResponse({ type: CheckpointResponse, description: 'The signed checkpoint' })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED', 'CHECKPOINT_NOT_FOUND')
  async checkpoint(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: CheckpointQuery,
  ): Promise<CheckpointResponse> {
    await this.roster.findReadableNeedToKnow(actor, id);
    return query.size === undefined
      ? this.transparency.currentCheckpoint(id)
      : this.transparency.storedCheckpoint(id, query.size);
  }

  @Get('proof/inclusion')
  @ApiOperation({
    summary: 'Prove that one entry is in the ledger (RFC 9162 inclusion proof)',
    description: `${READERS} The audit path of entry \`seq\` (leaf index seq − 1) in the tree of \`size\` entries (the whole ledger when absent), with the leaf hash and the root it leads to: check it against a signed checkpoint of that size with RFC 9162 §2.1.3.2. Served from O(log n) stored subtree hashes. 422 SEQ_OUT_OF_RANGE when seq > size, 422 TREE_SIZE_OUT_OF_RANGE when size exceeds the ledger. Nothing is written.`,
  })
  @ApiOkResponse({ type: InclusionProofResponse, description: 'The inclusion proof' })
  @ApiErrors(
    'CONTRACT_NOT_FOUND',
    'FORBIDDEN_ROLE',
    'NOT_ROSTERED',
    'SEQ_OUT_OF_RANGE',
    'TREE_SIZE_OUT_OF_RANGE',
  )
  async inclusion(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: InclusionProofQuery,
  ): Promise<InclusionProofResponse> {
    await this.roster.findReadableNeedToKnow(actor, id);
    return this.transparency.inclusionProof(id, query.seq, query.size);
  }

  @Get('entries/:seq/proof')
  @ApiOperation({
    summary: 'One entry with the proof that it belongs to the signed ledger',
    description: `${READERS} Everything a third party needs to check that one entry (a confirmed deletion certificate, say) belongs to the ledger a signed checkpoint names, without seeing the other entries: the entry as served, a signed checkpoint that covers it (the one of \`size\` entries, or of the whole ledger now), its RFC 9162 inclusion proof, the verifier key and the steps in Japanese. 422 SEQ_OUT_OF_RANGE when the checkpoint does not cover the entry, 404 CHECKPOINT_NOT_FOUND when no checkpoint of \`size\` was signed. Writes only the checkpoint of the whole ledger, when none covers it yet.`,
  })
  @ApiOkResponse({
    type: EntryProofResponse,
    description: 'The entry, the checkpoint and the proof',
  })
  @ApiErrors(
    'CONTRACT_NOT_FOUND',
    'FORBIDDEN_ROLE',
    'NOT_ROSTERED',
    'SEQ_OUT_OF_RANGE',
    'CHECKPOINT_NOT_FOUND',
  )
  async entryProof(
    @CurrentActor() actor: Actor,
    @Param() params: EntryProofParams,
    @Query() query: EntryProofQuery,
  ): Promise<EntryProofResponse> {
    await this.roster.findReadableNeedToKnow(actor, params.id);
    const proof = await this.transparency.entryProof(params.id, params.seq, query.size);
    const key = this.transparency.verifierKey();
    return {
      ...proof,
      verifierKey: key.verifierKey,
      publicKeyPem: key.publicKeyPem,
      howToVerify: HOW_TO_VERIFY,
    };
  }

  @Get('proof/consistency')
  @ApiOperation({
    summary: 'Prove that an earlier ledger is a prefix of a later one (RFC 9162 consistency proof)',
    description: `${READERS} The consistency proof from the tree of \`from\` entries to the tree of \`to\` (the whole ledger when absent), with both roots: check it against two signed checkpoints with RFC 9162 §2.1.4.2 to know that nothing seen at the first was rewritten since. 422 CONSISTENCY_RANGE_INVALID when from > to, 422 TREE_SIZE_OUT_OF_RANGE when to exceeds the ledger. Nothing is written.`,
  })
  @ApiOkResponse({ type: ConsistencyProofResponse, description: 'The consistency proof' })
  @ApiErrors(
    'CONTRACT_NOT_FOUND',
    'FORBIDDEN_ROLE',
    'NOT_ROSTERED',
    'CONSISTENCY_RANGE_INVALID',
    'TREE_SIZE_OUT_OF_RANGE',
  )
  async consistency(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: ConsistencyProofQuery,
  ): Promise<ConsistencyProofResponse> {
    await this.roster.findReadableNeedToKnow(actor, id);
    return this.transparency.consistencyProof(id, query.from, query.to);
  }
}

const HOW_TO_VERIFY = [
  '1. entry を RFC 8785 (JCS) で正規化したJSONのUTF-8バイト列の先頭に 0x00 を付け、SHA-256 を計算する（葉ハッシュ。inclusion.leafHash と一致すること）。',
  '2. inclusion.proof を RFC 9162 §2.1.3.2 の手順で葉ハッシュから順に結合し、根ハッシュを求める（inclusion.rootHash と一致すること）。',
  '3. checkpoint.note（C2SP 署名付きノート）の本文3行目（根ハッシュの base64）がその根ハッシュと一致し、本文の2行目（件数）が inclusion.treeSize と一致することを確かめる。',
  '4. checkpoint.note の署名行を verifierKey（または publicKeyPem）で検証する（Ed25519。openssl pkeyutl -verify -rawin でも可能）。区の証人鍵による連署があれば、区が確認した管理簿そのものに含まれることも確かめられる。',
].join('\n');

/** The installation's checkpoint key, published so that anyone can check a checkpoint. */
@ApiTags('ledger')
@Controller('transparency')
export class TransparencyKeyController {
  constructor(private readonly transparency: TransparencyService) {}

  @Public()
  @Get('key')
  @ApiOperation({
    summary: 'The public key that signs every checkpoint',
    description:
      'Anyone may call it, without a session: it is a public key. The C2SP verifier key (for Go’s sumdb/note and other signed-note tools), the same Ed25519 key as PEM for openssl, its key id, and the origin prefix of this installation’s checkpoints. Nothing is written.',
  })
  @ApiOkResponse({ type: VerifierKeyResponse, description: 'The checkpoint key' })
  key(): VerifierKeyResponse {
    return this.transparency.verifierKey();
  }
}
