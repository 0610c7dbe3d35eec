import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH } from '../password.rule.js';
import { UserResponse } from './user.dto.js';

export class LoginRequest {
  @ApiProperty({ example: 'ward.officer' })
  @IsString()
  @Length(1, 64)
  loginId: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, MAX_PASSWORD_LENGTH)
  password: string;
}

export class LoginResponse {
  @ApiProperty({ description: 'Opaque bearer token; send as `Authorization: Bearer <token>`' })
  token: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: () => UserResponse })
  user: UserResponse;
}

export class ChangePasswordRequest {
  @ApiProperty({ format: 'password' })
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  currentPassword: string;

  @ApiProperty({ format: 'password', minLength: 12 })
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  newPassword: string;
}
