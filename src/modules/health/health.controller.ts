import { type BeforeApplicationShutdown, Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/auth.decorators.js';
import { AppConfig } from '../../config/app-config.js';
import { QueueState } from '../notifications/queue-state.js';

class ComponentHealth {
  @ApiProperty({ enum: ['up', 'down', 'starting'] }) status: 'up' | 'down' | 'starting';
  @ApiProperty({ required: false }) kind?: string;
  @ApiProperty({ required: false }) latencyMs?: number;
  @ApiProperty({ required: false, format: 'date-time', description: 'since when (queue)' })
  since?: string;
  @ApiProperty({ required: false, enum: ['in-process', 'off'], description: 'workers (queue)' })
  workers?: 'in-process' | 'off';
  @ApiProperty({ required: false, description: 'why it is down (queue)' }) error?: string;
  @ApiProperty({
    required: false,
    format: 'date-time',
    description: 'when pending webhook deliveries were last checked against the queue (queue)',
  })
  reconciledAt?: string;
  @ApiProperty({
    required: false,
    description:
      'webhook deliveries and mails handed to the queue again since the process started, their jobs lost by Redis (queue)',
  })
  requeued?: number;
}

class ProbeResponse {
  @ApiProperty({ enum: ['ok', 'down', 'stopping'] }) status: 'ok' | 'down' | 'stopping';
}

class MailHealth {
  @ApiProperty({
    enum: ['configured', 'disabled'],
    description:
      '`disabled`: SMTP_URL is unset and no e-mail is queued or sent; `configured`: notifications are e-mailed through the queue',
  })
  status: 'configured' | 'disabled';
}

class HealthResponse {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] }) status: 'ok' | 'degraded' | 'down';
  @ApiProperty({ type: ComponentHealth }) database: ComponentHealth;
  @ApiProperty({ type: ComponentHealth }) queue: ComponentHealth;
  @ApiProperty({
    type: MailHealth,
    description: 'e-mail of notifications (never its server or credentials)',
  })
  mail: MailHealth;
}

@ApiTags('health')
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  /** Set once the process has been asked to stop: it is no longer ready for new work. */
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queueState: QueueState,
    private readonly config: AppConfig,
  ) {}

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  /**
   * Liveness (an orchestrator restarts the process when it fails): 200 as
   * long as the process answers HTTP at all. It asks nothing of the
   * database or Redis, so that an outage of either does not restart every
   * instance at once.
   */
  @Public()
  @Get('live')
  @ApiOperation({
    summary: 'Liveness probe: is the process answering?',
    description:
      'Anyone may call it, without a session. Answers 200 `ok` as long as the process answers HTTP at all; it asks nothing of the database or Redis, so that an outage of either does not restart every instance at once.',
  })
  @ApiOkResponse({ type: ProbeResponse, description: 'The process answers' })
  live(): ProbeResponse {
    return { status: 'ok' };
  }

  /**
   * Readiness (a load balancer sends requests only while it passes): 200 when
   * the database answers, 503 `down` when it does not and 503 `stopping` once
   * the process is shutting down. Redis is not required: without it
   * handovers are still recorded (see GET /api/health).
   */
  @Public()
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness probe: may this instance take requests?',
    description:
      'Anyone may call it, without a session. 200 `ok` when the database answers; 503 `down` when it does not, and 503 `stopping` once the process is shutting down. Redis is not required: without it handovers are still recorded.',
  })
  @ApiOkResponse({ type: ProbeResponse, description: 'Ready: the database answers' })
  @ApiServiceUnavailableResponse({
    type: ProbeResponse,
    description: 'Not ready: the database does not answer, or the process is stopping',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ProbeResponse> {
    const status = this.stopping ? 'stopping' : (await this.databaseUp()) ? 'ok' : 'down';
    if (status !== 'ok') void reply.status(503);
    return { status };
  }

  private async databaseUp(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  @Public()
  @Get()
  @ApiOperation({
    summary: 'Health of the service and its database, queue and mail',
    description:
      'Anyone may call it, without a session; it shows no server names or credentials. 200 when the database answers, 503 `down` when it does not. A queue that is down (Redis unreachable) makes the status `degraded` but not unready: handovers are still recorded, and reminders catch up when Redis is back.',
  })
  @ApiOkResponse({
    type: HealthResponse,
    description: 'The database answers (status ok or degraded)',
  })
  @ApiServiceUnavailableResponse({
    type: HealthResponse,
    description: 'The database does not answer: the report says which component is down',
  })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthResponse> {
    const kind = this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const started = performance.now();
    let database: ComponentHealth;
    try {
      await this.dataSource.query('SELECT 1');
      database = {
        status: 'up',
        kind,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      };
    } catch {
      database = { status: 'down', kind };
    }
    const q = this.queueState;
    const queue: ComponentHealth = {
      status: q.status,
      kind: 'redis',
      since: q.since.toISOString(),
      workers: this.config.QUEUE_WORKERS,
      ...(q.latencyMs !== null && q.status === 'up' ? { latencyMs: q.latencyMs } : {}),
      ...(q.status === 'down' && q.lastError ? { error: q.lastError } : {}),
      ...(q.reconciledAt
        ? { reconciledAt: q.reconciledAt.toISOString(), requeued: q.requeued }
        : {}),
    };
    const status = database.status !== 'up' ? 'down' : queue.status === 'up' ? 'ok' : 'degraded';
    if (status === 'down') void reply.status(503);
    // Whether mail is on, nothing of SMTP_URL: it may hold credentials.
    const mail: MailHealth = { status: this.config.mailEnabled ? 'configured' : 'disabled' };
    return { status, database, queue, mail };
  }
}
