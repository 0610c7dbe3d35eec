import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, Length, Matches } from 'class-validator';
import { OptionalField } from '../../../common/http/validators.js';
import { IsMailAddress, MAX_EMAIL_LENGTH, UserResponse } from './user.dto.js';

/** What an admin may edit of an account. */
export class UpdateUserRequest {
  @ApiPropertyOptional({
    example: '佐藤 花子',
    minLength: 1,
    maxLength: 200,
    description: 'The name shown for the user; absent or null leaves it',
  })
  @OptionalField()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'displayName must not be blank' })
  displayName?: string;

  @ApiPropertyOptional({
    example: 'sato.hanako@city.example.jp',
    minLength: 0,
    maxLength: MAX_EMAIL_LENGTH,
    description: 'Where notifications are e-mailed; `""` removes it; absent leaves it',
  })
  @OptionalField()
  @IsMailAddress({ clearable: true })
  email?: string;
}

export class SetApproverRequest {
  @ApiProperty({ description: 'true: the ward officer approves take-out requests of their ward' })
  @IsBoolean()
  approver: boolean;
}

export class PasswordResetResponse {
  @ApiProperty({ type: () => UserResponse })
  user: UserResponse;

  @ApiProperty({
    description:
      'The new temporary password, shown this once: hand it to the user, who must change it at the next login',
    example: 'kT7vQmcXr4HwaYp9ELdu',
  })
  oneTimePassword: string;
}

export class RevokedSessionsResponse {
  @ApiProperty({ description: 'How many live sessions were ended' })
  revoked: number;
}
