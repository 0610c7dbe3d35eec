import { ApiProperty } from '@nestjs/swagger';
import type { LiveSession } from '../sessions.service.js';

export class SessionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({
    format: 'date-time',
    description: 'The last request the session served, to within a minute',
  })
  lastUsedAt: string;
  @ApiProperty({ format: 'date-time', description: 'The absolute end (TOKEN_TTL_MINUTES)' })
  expiresAt: string;
  @ApiProperty({
    format: 'date-time',
    description:
      'When the session ends without a further request (SESSION_IDLE_MINUTES after lastUsedAt)',
  })
  idleExpiresAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'Where the login came from' })
  clientAddress: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ description: 'The session is the one making this request' })
  current: boolean;

  static from(session: LiveSession): SessionResponse {
    return {
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      idleExpiresAt: session.idleExpiresAt.toISOString(),
      clientAddress: session.clientAddress,
      userAgent: session.userAgent,
      current: session.current,
    };
  }
}
