import { Global, Module } from '@nestjs/common';
import { TransactionRunner } from './transaction-runner.js';

/** The one way to write: {@link TransactionRunner}, available everywhere. */
@Global()
@Module({ providers: [TransactionRunner], exports: [TransactionRunner] })
export class DatabaseModule {}
