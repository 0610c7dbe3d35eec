import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import type { Actor } from '../identity/roles.js';
import { WorkResponse } from './dto/work.dto.js';
import { WorkService } from './work.service.js';

@ApiTags('work')
@ApiBearerAuth()
@Controller('work')
export class WorkController {
  constructor(private readonly work: WorkService) {}

  /**
   * 今日の作業: what waits for the caller across every active contract they
   * may read (media they hold, handovers to receive, password notices to
   * send, take-outs to decide or use, certificates to confirm), each list
   * the first 100 at most with its total. For those who handle media: ward
   * officers and contractor staff.
   */
  @Roles('ward_officer', 'contractor_staff')
  @Get()
  @ApiOperation({
    summary: 'Get what waits for the caller today',
    description:
      'Ward officers and contractor staff. 今日の作業 across every active contract whose content the caller may read (contractor staff: those a roster entry names them on today): media they hold, handovers to receive, password notices to send, take-outs to decide or use, certificates to confirm. Each list holds at most 100 items with its total; reads only, writes nothing.',
  })
  @ApiOkResponse({ type: WorkResponse, description: 'Each kind of waiting work, with its total' })
  get(@CurrentActor() actor: Actor): Promise<WorkResponse> {
    return this.work.forUser(actor);
  }
}
