import { type AppConfig, ConfigError, loadConfig } from './app-config.js';

/**
 * Reads the configuration for an entry point (server, CLI). A bad value ends
 * the process with one line naming the variable, not a stack trace.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kanribo: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
