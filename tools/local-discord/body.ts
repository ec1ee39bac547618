import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

export interface UploadedFile {
  /** Form field name, e.g. 'files[0]'. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface ParsedBody {
  json: unknown;
  files: UploadedFile[];
}

const EMPTY: ParsedBody = { json: undefined, files: [] };

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const invalidJson = (): ApiError => new ApiError(400, 50109, 'The request body contains invalid JSON.');

export async function parseBody(buf: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (buf.length === 0) return EMPTY;
  if (contentType?.startsWith('multipart/form-data')) return parseMultipart(buf, contentType);
  try {
    return { json: JSON.parse(buf.toString('utf8')), files: [] };
  } catch {
    throw invalidJson();
  }
}

async function parseMultipart(buf: Buffer, contentType: string): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Request('http://local', { method: 'POST', headers: { 'content-type': contentType }, body: buf }).formData();
  } catch {
    throw new ApiError(400, 50035, 'Invalid Form Body', { _errors: [{ code: 'MULTIPART_INVALID', message: 'Could not parse multipart body' }] });
  }
  let json: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') {
        try {
          json = { ...json, ...(JSON.parse(value) as Record<string, unknown>) };
        } catch {
          throw invalidJson();
        }
      } else json[field] = value;
    } else {
      files.push({ field, filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { json, files };
}
