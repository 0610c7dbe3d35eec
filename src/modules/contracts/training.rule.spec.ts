import {
  trainingLapsesOn,
  trainingProblem,
  trainingReminderDue,
  trainingReminderFrom,
} from './training.rule.js';

describe('trainingLapsesOn', () => {
  it.each([
    ['2026-04-01', 12, '2027-04-01'],
    ['2026-01-31', 1, '2026-03-01'],
    ['2027-01-31', 1, '2027-03-01'],
    ['2028-01-31', 1, '2028-03-01'],
    ['2028-01-29', 1, '2028-02-29'],
    ['2028-02-29', 12, '2029-03-01'],
    ['2026-11-30', 3, '2027-03-01'],
    ['2026-03-31', 1, '2026-05-01'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-05-10', 60, '2031-05-10'],
  ])('a training of %s valid %i months lapses on %s', (trainedOn, months, lapsesOn) => {
    expect(trainingLapsesOn(trainedOn, months)).toBe(lapsesOn);
  });
});

describe('trainingProblem', () => {
  it('covers the day of the training up to the day before it lapses', () => {
    expect(trainingProblem('2026-04-01', '2026-04-01', 12)).toBeNull();
    expect(trainingProblem('2026-04-01', '2027-03-31', 12)).toBeNull();
    expect(trainingProblem('2026-04-01', '2027-04-01', 12)).toEqual({
      reason: 'lapsed',
      trainedOn: '2026-04-01',
      lapsedOn: '2027-04-01',
    });
  });

  it('finds no training when there is none, or only one given after the day', () => {
    expect(trainingProblem(null, '2026-11-25', 12)).toEqual({ reason: 'missing' });
    expect(trainingProblem('2026-11-26', '2026-11-25', 12)).toEqual({ reason: 'missing' });
  });

  it('follows the contract’s validity', () => {
    expect(trainingProblem('2026-04-01', '2026-10-01', 6)).toMatchObject({ reason: 'lapsed' });
    expect(trainingProblem('2026-04-01', '2026-09-30', 6)).toBeNull();
  });
});

describe('trainingReminderDue', () => {
  it('is due from 30 days before the lapse to the day before, not on or after it', () => {
    expect(trainingReminderFrom('2027-04-01')).toBe('2027-03-02');
    expect(trainingReminderDue('2027-04-01', '2027-03-01')).toBe(false);
    expect(trainingReminderDue('2027-04-01', '2027-03-02')).toBe(true);
    expect(trainingReminderDue('2027-04-01', '2027-03-31')).toBe(true);
    expect(trainingReminderDue('2027-04-01', '2027-04-01')).toBe(false);
    expect(trainingReminderDue('2027-04-01', '2027-05-01')).toBe(false);
  });
});
