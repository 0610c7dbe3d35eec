import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  isEmail,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { MAIL_MODES, type MailMode, type UserEntity } from '../entities/user.entity.js';
import { IsText, OptionalField } from '../../../common/http/validators.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password.rule.js';
import { type Role, ROLES } from '../roles.js';

/** The longest address SMTP carries (RFC 5321's path limit less its brackets). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * An e-mail address (class-validator's isEmail, at most 254 characters,
 * spaces around it dropped as a paste brings them), or with `clearable` also
 * `""`, which removes the address.
 */
export function IsMailAddress(
  { clearable }: { clearable: boolean },
  options?: ValidationOptions,
): PropertyDecorator {
  const validation = ValidateBy(
    {
      name: 'isMailAddress',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          ((clearable && value === '') || (value.length <= MAX_EMAIL_LENGTH && isEmail(value))),
        defaultMessage: (args) =>
          `${args?.property ?? 'email'} must be an e-mail address of at most ${MAX_EMAIL_LENGTH} characters${clearable ? ', or "" to remove it' : ''}`,
      },
    },
    options,
  );
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    ),
    validation,
  );
}

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

  @ApiPropertyOptional({
    example: 'sato.hanako@city.example.jp',
    format: 'email',
    minLength: 3,
    maxLength: MAX_EMAIL_LENGTH,
    description: 'Where notifications are e-mailed (when SMTP_URL is set), one by one at first',
  })
  @OptionalField()
  @IsMailAddress({ clearable: false })
  email?: string;
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
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'Where notifications are e-mailed; shown to admins and to the user, to no one else',
  })
  email?: string | null;
  @ApiPropertyOptional({
    enum: MAIL_MODES,
    description:
      '`immediate`: a mail per notification; `digest`: one a day at the reminder scan; `off`. Shown with email',
  })
  mailMode?: MailMode;

  /** The account; its e-mail settings only for an admin or the user themself (`mail`). */
  static from(user: UserEntity, { mail = true }: { mail?: boolean } = {}): UserResponse {
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
      ...(mail ? { email: user.email ?? null, mailMode: user.mailMode } : {}),
    };
  }
}

/** What a user sets of their own e-mail notifications. */
export class MailSettingsRequest {
  @ApiPropertyOptional({
    example: 'sato.hanako@city.example.jp',
    minLength: 0,
    maxLength: MAX_EMAIL_LENGTH,
    description: 'The address notifications are e-mailed to; `""` removes it',
  })
  @OptionalField()
  @IsMailAddress({ clearable: true })
  email?: string;

  @ApiPropertyOptional({
    enum: MAIL_MODES,
    description:
      '`immediate`: a mail per notification; `digest`: one a day at the reminder scan, listing the unread; `off`: none',
  })
  @OptionalField()
  @IsIn(MAIL_MODES)
  mailMode?: MailMode;
}
