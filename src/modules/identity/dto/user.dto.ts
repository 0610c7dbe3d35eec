import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import type { UserEntity } from '../entities/user.entity.js';
import { IsText } from '../../../common/http/validators.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password.rule.js';
import { type Role, ROLES } from '../roles.js';

export class CreateUserRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organizationId: string;

  @ApiProperty({ example: 'sato.hanako', pattern: '^[A-Za-z0-9._@-]{3,64}$' })
  @Matches(/^[A-Za-z0-9._@-]{3,64}$/, {
    message: 'loginId must be 3-64 characters of letters, digits and . _ @ -',
  })
  loginId: string;

  @ApiProperty({ example: '佐藤 花子' })
  @IsText(1, 200)
  displayName: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiProperty({
    format: 'password',
    description:
      'Temporary password; the user must change it at first login. Checked against the password rules (400 VALIDATION_FAILED naming password)',
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password: string;
}

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** Filters of `GET /api/users`; each narrows the caller's scope, none widens it. */
export class ListUsersQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: '`true`: active accounts only; `false`: deactivated only' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    description: 'Part of the login id or display name (case-insensitive for Latin letters)',
    minLength: 1,
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty() loginId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() active: boolean;
  @ApiProperty({
    description: 'The password is temporary and must be changed before anything else',
  })
  mustChangePassword: boolean;
  @ApiProperty({
    description: 'A ward officer who approves take-out requests of their ward (所属長)',
  })
  approver: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(user: UserEntity): UserResponse {
    return {
      id: user.id,
      organizationId: user.organizationId,
      loginId: user.loginId,
      displayName: user.displayName,
      role: user.role,
      active: user.active,
      mustChangePassword: user.mustChangePassword,
      approver: user.isApprover === true || Number(user.isApprover) === 1,
      createdAt: user.createdAt.toISOString(),
    };
  }
}
