/**
 * The Worker's entry. The Workers runtime requires a default export here: the one default
 * export in the project.
 *
 * @module
 */
import { handleRequest, type WorldsEnv } from './handler.js';

export default {
  async fetch(request: Request, env: WorldsEnv): Promise<Response> {
    return handleRequest(request, env);
  },
};
