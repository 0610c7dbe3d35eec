import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/auth.decorators.js';

class ComponentHealth {
  @ApiProperty({ enum: ['up', 'down', 'not_configured'] }) status: 'up' | 'down' | 'not_configured';
  @ApiProperty({ required: false }) kind?: string;
  @ApiProperty({ required: false }) latencyMs?: number;
}

class HealthResponse {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] }) status: 'ok' | 'degraded' | 'down';
  @ApiProperty({ type: ComponentHealth }) database: ComponentHealth;
  @ApiProperty({ type: ComponentHealth }) queue: ComponentHealth;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** Liveness and readiness: 200 when the database answers, 503 when it does not. */
  @Public()
  @Get()
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ type: HealthResponse })
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
    const status = database.status === 'up' ? 'ok' : 'down';
    if (status === 'down') void reply.status(503);
    return { status, database, queue: { status: 'not_configured' } };
  }
}
