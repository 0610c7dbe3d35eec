// Development aid: prints the DDL TypeORM would run to bring an empty database
// to the entities, for writing a migration by hand. Not used at run time.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';

const config = loadConfig(process.env);
const ds = new DataSource({
  ...buildDataSourceOptions(config),
  migrations: [],
});
await ds.initialize();
const sql = await ds.driver.createSchemaBuilder().log();
for (const q of sql.upQueries) console.log(`await queryRunner.query(${JSON.stringify(q.query)});`);
console.log('--- down');
for (const q of sql.downQueries.reverse())
  console.log(`await queryRunner.query(${JSON.stringify(q.query)});`);
await ds.destroy();
