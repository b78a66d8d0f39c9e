import { randomUUID } from 'node:crypto';
import type { Simulator } from '@hub/simkit';

/** A file the simulated portal holds: imported from a URL, served back at its hosting URL. */
export interface SimFile {
  id: string;
  name: string;
  access: string;
  path: string;
  bytes: Buffer;
  contentType: string;
  sourceUrl: string;
  createdAt: string;
}

interface Task {
  taskId: string;
  status: 'PENDING' | 'PROCESSING' | 'COMPLETE' | 'CANCELED';
  requestedAt: string;
  startedAt: string;
  completedAt?: string;
  fileId?: string;
  error?: string;
}

/**
 * Files v3 import from URL: the task downloads the URL (as HubSpot does, so an expired link fails the
 * import), and the file is served back at `/hubfs/<id>/<name>` with byte ranges (HubSpot's call
 * player needs 206 answers).
 */
export function registerFileRoutes(sim: Simulator): { files: () => SimFile[] } {
  const files = new Map<string, SimFile>();
  const tasks = new Map<string, Task>();
  sim.onReset(() => (files.clear(), tasks.clear()));
  const fileUrl = (f: SimFile) => `${sim.url}/hubfs/${f.id}/${encodeURIComponent(f.name)}`;
  const view = (f: SimFile) => ({
    id: f.id,
    name: f.name.replace(/\.[^.]+$/, ''),
    extension: f.name.split('.').pop(),
    access: f.access,
    path: f.path,
    size: f.bytes.length,
    type: 'AUDIO',
    url: fileUrl(f),
    defaultHostingUrl: fileUrl(f),
    archived: false,
    createdAt: f.createdAt,
    updatedAt: f.createdAt,
  });

  sim.app.post('/files/v3/files/import-from-url/async', async (req, reply) => {
    const body = req.body as { url: string; access: string; name?: string; folderPath?: string; folderId?: string };
    if (!body.folderPath && !body.folderId) throw sim.error(400, 'One of folderId or folderPath is required', 'VALIDATION_ERROR');
    const now = new Date().toISOString();
    const task: Task = { taskId: randomUUID(), status: 'PENDING', requestedAt: now, startedAt: now };
    tasks.set(task.taskId, task);
    void download(body).then(
      (f) => {
        files.set(f.id, f);
        Object.assign(task, { status: 'COMPLETE', fileId: f.id, completedAt: new Date().toISOString() });
      },
      (err: Error) => Object.assign(task, { status: 'CANCELED', error: err.message, completedAt: new Date().toISOString() }),
    );
    return reply
      .code(202)
      .send({ id: task.taskId, links: { status: `${sim.url}/files/v3/files/import-from-url/async/tasks/${task.taskId}/status` } });
  });

  sim.app.get('/files/v3/files/import-from-url/async/tasks/:taskId/status', async (req) => {
    const task = tasks.get((req.params as { taskId: string }).taskId);
    if (!task) throw sim.error(404, 'Task not found', 'OBJECT_NOT_FOUND');
    const file = task.fileId ? files.get(task.fileId) : undefined;
    return {
      taskId: task.taskId,
      status: task.status,
      requestedAt: task.requestedAt,
      startedAt: task.startedAt,
      completedAt: task.completedAt ?? task.startedAt,
      ...(file ? { result: view(file) } : {}),
      ...(task.error
        ? { numErrors: 1, errors: [{ status: 'error', category: 'VALIDATION_ERROR', message: task.error, context: {}, links: {} }] }
        : {}),
    };
  });

  sim.app.get('/hubfs/:id/:name', async (req, reply) => {
    const f = files.get((req.params as { id: string }).id);
    if (!f) throw sim.error(404, 'Not found', 'OBJECT_NOT_FOUND');
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
    reply.header('accept-ranges', 'bytes').header('content-type', f.contentType);
    if (!range) return reply.send(f.bytes);
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), f.bytes.length - 1) : f.bytes.length - 1;
    return reply
      .code(206)
      .header('content-range', `bytes ${start}-${end}/${f.bytes.length}`)
      .send(f.bytes.subarray(start, end + 1));
  });

  async function download(body: { url: string; access: string; name?: string; folderPath?: string }): Promise<SimFile> {
    // Tests never reach the internet: only loopback URLs are fetched; any other host is a link that no longer works.
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(body.url).hostname))
      throw new Error(`Couldn't download ${body.url}: the host did not answer`);
    const res = await fetch(body.url);
    if (!res.ok) throw new Error(`Couldn't download ${body.url}: ${res.status}`);
    const id = String(100_000 + files.size + tasks.size);
    const name = body.name ?? new URL(body.url).pathname.split('/').pop() ?? 'file';
    return {
      id,
      name,
      access: body.access,
      path: `${body.folderPath ?? ''}/${name}`,
      bytes: Buffer.from(await res.arrayBuffer()),
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      sourceUrl: body.url,
      createdAt: new Date().toISOString(),
    };
  }

  return { files: () => [...files.values()] };
}
