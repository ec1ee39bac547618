import type { IncomingMessage } from 'node:http';
import { constants as zc, createDeflate, deflateSync, type Deflate } from 'node:zlib';
import type { ApplicationFlags, GatewayReadyDispatchData, UserFlags } from 'discord-api-types/v10';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { guildCreateJson, memberJson, userJson } from './payloads.js';
import { randomToken, shardOf } from './snowflake.js';
import { Intents, type State } from './state.js';

/** Close codes (GatewayCloseCodes). */
const Close = { UnknownOpcode: 4001, DecodeError: 4002, NotAuthenticated: 4003, AuthenticationFailed: 4004, AlreadyAuthenticated: 4005, InvalidShard: 4010, ShardingRequired: 4011, InvalidAPIVersion: 4012, InvalidIntents: 4013, DisallowedIntents: 4014 } as const;
const PRIVILEGED = Intents.GuildMembers | (1 << 8) | Intents.MessageContent;
const ALL_INTENTS = (1 << 26) - 1;

interface Session {
  id: string;
  seq: number;
  intents: number;
  /** [shard_id, num_shards] from IDENTIFY ([0, 1] without one); RESUME keeps it. */
  shard: [number, number];
  /** Dispatch frames kept for RESUME; frames[i] has sequence firstSeq + i. */
  frames: string[];
  firstSeq: number;
  conn: Conn | undefined;
}

interface Conn {
  ws: WebSocket;
  session: Session | undefined;
  mode: 'none' | 'zlib-stream' | 'identify';
  deflate?: Deflate;
  zqueue: string[];
  zbusy: boolean;
  zchunks: Buffer[];
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  replayBufferSize: number;
  allowedPrivilegedIntents: number;
  /** A session that would handle more guilds than this is closed with 4011 (Discord: 2500). */
  maxGuildsPerShard: number;
  url: () => string;
}

/** What a test can see of a gateway session. */
export interface GatewaySessionInfo {
  sessionId: string;
  shard: [number, number];
  connected: boolean;
}

export interface GatewayRecord {
  op: number;
  t?: string;
  at: number;
}

/** Discord's gateway over `ws`: JSON text frames (or zlib-stream / identify compression when asked). */
export class Gateway {
  readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly sessions = new Map<string, Session>();
  readonly conns = new Set<Conn>();
  /** Client -> server payloads (op + time), for tests. */
  readonly received: GatewayRecord[] = [];
  identifies = 0;
  resumes = 0;
  #refuseResumes = 0;

  constructor(private readonly state: State, private readonly opts: GatewayOptions) {
    this.wss.on('connection', (ws, req) => this.#connect(ws, req));
  }

  upgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /**
   * Sends a dispatch to each session that should get it; returns how many were connected.
   * A guild's events go only to the shard that owns it; events without a guild (DMs) go to shard 0.
   */
  dispatch(event: string, data: unknown, guildId: string | undefined, intent: number): number {
    let delivered = 0;
    let json: string | undefined;
    for (const session of this.sessions.values()) {
      if (intent !== 0 && (session.intents & intent) === 0) continue;
      if (!owns(session.shard, guildId)) continue;
      json ??= JSON.stringify(data);
      if (this.#push(session, event, json)) delivered++;
    }
    return delivered;
  }

  /** Whether some identified session is connected. */
  get connected(): boolean {
    for (const s of this.sessions.values()) if (s.conn) return true;
    return false;
  }

  /** Shard ids with a connected session, ascending, each once. */
  connectedShards(): number[] {
    const ids = new Set<number>();
    for (const s of this.sessions.values()) if (s.conn) ids.add(s.shard[0]);
    return [...ids].sort((a, b) => a - b);
  }

  sessionInfo(): GatewaySessionInfo[] {
    return [...this.sessions.values()].map((s) => ({ sessionId: s.id, shard: [s.shard[0], s.shard[1]], connected: s.conn !== undefined }));
  }

  dropSockets(): number {
    let n = 0;
    for (const c of this.conns) {
      // Detach first: dispatches from now on are buffered for RESUME, as on Discord.
      if (c.session?.conn === c) c.session.conn = undefined;
      c.ws.terminate();
      n++;
    }
    return n;
  }

  /**
   * Kills the sockets of one shard's sessions without a close frame. With
   * `resumable: false` the sessions are forgotten too, so their RESUME gets op 9
   * and the shard must IDENTIFY again. Returns how many sockets were killed.
   */
  killShard(shardId: number, resumable: boolean): number {
    let n = 0;
    for (const c of this.conns) {
      const session = c.session;
      if (!session || session.shard[0] !== shardId) continue;
      if (session.conn === c) session.conn = undefined;
      if (!resumable) this.sessions.delete(session.id);
      c.ws.terminate();
      n++;
    }
    if (n > 0) this.state.changed();
    return n;
  }

  refuseResume(count = 1): void {
    this.#refuseResumes += count;
  }

  /** op 7: ask clients to reconnect and resume. */
  requestReconnect(): void {
    for (const c of this.conns) if (c.session) this.#send(c, '{"op":7,"d":null,"s":null,"t":null}');
  }

  /** op 9 to every connected session. */
  invalidateSessions(resumable = false): void {
    for (const c of this.conns) {
      const session = c.session;
      if (!session) continue;
      // Either way the connection is no longer authenticated; a resumable session waits for RESUME.
      c.session = undefined;
      if (session.conn === c) session.conn = undefined;
      if (!resumable) this.sessions.delete(session.id);
      this.#send(c, `{"op":9,"d":${resumable},"s":null,"t":null}`);
    }
  }

  close(): void {
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    this.wss.close();
  }

  #push(session: Session, event: string, json: string): boolean {
    const s = ++session.seq;
    const frame = `{"op":0,"s":${s},"t":"${event}","d":${json}}`;
    const frames = session.frames;
    frames.push(frame);
    if (frames.length > this.opts.replayBufferSize * 2) {
      const drop = frames.length - this.opts.replayBufferSize;
      frames.splice(0, drop);
      session.firstSeq += drop;
    }
    if (!session.conn) return false;
    this.#send(session.conn, frame);
    return true;
  }

  #connect(ws: WebSocket, req: IncomingMessage): void {
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const conn: Conn = { ws, session: undefined, mode: 'none', zqueue: [], zbusy: false, zchunks: [] };
    this.conns.add(conn);
    ws.on('close', (code) => {
      this.conns.delete(conn);
      const session = conn.session;
      if (session && session.conn === conn) {
        session.conn = undefined;
        // A clean close ends the session; anything else may be resumed.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
      conn.deflate?.close();
    });
    ws.on('error', () => undefined);
    const v = query.get('v');
    if (v !== null && v !== '10') return ws.close(Close.InvalidAPIVersion, 'Invalid API version');
    if ((query.get('encoding') ?? 'json') !== 'json') return ws.close(Close.DecodeError, 'Only JSON encoding is supported');
    if (query.get('compress') === 'zlib-stream') {
      conn.mode = 'zlib-stream';
      conn.deflate = createDeflate();
      conn.deflate.on('data', (c: Buffer) => conn.zchunks.push(c));
    }
    ws.on('message', (data, isBinary) => this.#message(conn, data, isBinary));
    this.#send(conn, `{"op":10,"d":{"heartbeat_interval":${this.opts.heartbeatIntervalMs}},"s":null,"t":null}`);
  }

  #send(conn: Conn, text: string): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    if (conn.mode === 'none') return conn.ws.send(text);
    if (conn.mode === 'identify') return conn.ws.send(deflateSync(text));
    conn.zqueue.push(text);
    if (!conn.zbusy) this.#pump(conn);
  }

  /** zlib-stream: one shared deflate context, each payload ends with a Z_SYNC_FLUSH. */
  #pump(conn: Conn): void {
    const text = conn.zqueue.shift();
    const deflate = conn.deflate;
    if (text === undefined || !deflate) {
      conn.zbusy = false;
      return;
    }
    conn.zbusy = true;
    deflate.write(text);
    deflate.flush(zc.Z_SYNC_FLUSH, () => {
      const out = Buffer.concat(conn.zchunks);
      conn.zchunks = [];
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(out);
      this.#pump(conn);
    });
  }

  #message(conn: Conn, data: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      payload = JSON.parse(data.toString()) as { op?: unknown; d?: unknown };
    } catch {
      return conn.ws.close(Close.DecodeError, 'Decode error');
    }
    const op = payload.op;
    this.received.push({ op: typeof op === 'number' ? op : -1, at: Date.now() });
    const d = payload.d as Record<string, unknown> | null | undefined;
    if (op === 1) return this.#send(conn, '{"op":11,"d":null,"s":null,"t":null}');
    if (op === 2) return this.#identify(conn, d ?? {});
    if (op === 6) return this.#resume(conn, d ?? {});
    if (!conn.session) return conn.ws.close(Close.NotAuthenticated, 'Not authenticated');
    if (op === 3 || op === 4) return;
    if (op === 8) return this.#requestMembers(conn, d ?? {});
    conn.ws.close(Close.UnknownOpcode, 'Unknown opcode');
  }

  #identify(conn: Conn, d: Record<string, unknown>): void {
    if (conn.session) return conn.ws.close(Close.AlreadyAuthenticated, 'Already authenticated');
    if (d.token !== this.opts.token && d.token !== `Bot ${this.opts.token}`) return conn.ws.close(Close.AuthenticationFailed, 'Authentication failed');
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) return conn.ws.close(Close.InvalidIntents, 'Invalid intent(s)');
    if ((intents & PRIVILEGED & ~this.opts.allowedPrivilegedIntents) !== 0) return conn.ws.close(Close.DisallowedIntents, 'Disallowed intent(s)');
    const shard = parseShard(d.shard);
    if (!shard) return conn.ws.close(Close.InvalidShard, 'Invalid shard');
    const { state } = this;
    const guilds = [...state.guilds.values()].filter((g) => g.members.has(state.bot.id) && owns(shard, g.id));
    if (guilds.length > this.opts.maxGuildsPerShard) return conn.ws.close(Close.ShardingRequired, 'Sharding required');
    if (d.compress === true && conn.mode === 'none') conn.mode = 'identify';
    this.identifies++;
    const session: Session = { id: randomToken(16), seq: 0, intents, shard, frames: [], firstSeq: 1, conn };
    conn.session = session;
    this.sessions.set(session.id, session);
    const documented: GatewayReadyDispatchData = {
      v: 10,
      user: { ...userJson(state.bot), verified: true, mfa_enabled: false, email: null, flags: 0 as UserFlags },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.opts.url(),
      shard,
      application: { id: state.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    // Undocumented fields Discord also sends to bots.
    const ready = {
      ...documented,
      user_settings: {},
      session_type: 'normal',
      private_channels: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    };
    this.#push(session, 'READY', JSON.stringify(ready));
    // A server in an outage stays unavailable: no GUILD_CREATE until it recovers.
    if (intents & Intents.Guilds) for (const g of guilds) if (!g.unavailable) this.#push(session, 'GUILD_CREATE', guildCreateJson(state, g));
    state.changed();
  }

  #resume(conn: Conn, d: Record<string, unknown>): void {
    if (conn.session) return conn.ws.close(Close.AlreadyAuthenticated, 'Already authenticated');
    if (d.token !== this.opts.token && d.token !== `Bot ${this.opts.token}`) return conn.ws.close(Close.AuthenticationFailed, 'Authentication failed');
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    const seq = typeof d.seq === 'number' ? d.seq : -1;
    if (this.#refuseResumes > 0 || !session || seq < session.firstSeq - 1 || seq > session.seq) {
      if (this.#refuseResumes > 0) this.#refuseResumes--;
      if (session) this.sessions.delete(session.id);
      return this.#send(conn, '{"op":9,"d":false,"s":null,"t":null}');
    }
    this.resumes++;
    if (session.conn && session.conn !== conn) {
      session.conn.session = undefined;
      session.conn.ws.terminate();
    }
    session.conn = conn;
    conn.session = session;
    for (let i = seq + 1 - session.firstSeq; i < session.frames.length; i++) this.#send(conn, session.frames[i] as string);
    this.#push(session, 'RESUMED', '{}');
    this.state.changed();
  }

  #requestMembers(conn: Conn, d: Record<string, unknown>): void {
    const guild = typeof d.guild_id === 'string' ? this.state.guilds.get(d.guild_id) : undefined;
    if (!guild || !conn.session) return;
    const ids = Array.isArray(d.user_ids) ? (d.user_ids as string[]) : typeof d.user_ids === 'string' ? [d.user_ids] : undefined;
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Number.POSITIVE_INFINITY;
    const members = [...guild.members.values()]
      .filter((m) => (ids ? ids.includes(m.userId) : (this.state.users.get(m.userId)?.username ?? '').toLowerCase().startsWith(query)))
      .slice(0, limit);
    const chunk = {
      guild_id: guild.id,
      members: members.map((m) => memberJson(this.state, m)),
      chunk_index: 0,
      chunk_count: 1,
      ...(ids ? { not_found: ids.filter((id) => !guild.members.has(id)) } : {}),
      ...(d.nonce === undefined ? {} : { nonce: d.nonce }),
    };
    this.#push(conn.session, 'GUILD_MEMBERS_CHUNK', JSON.stringify(chunk));
  }
}

/** IDENTIFY's `shard`: absent means [0, 1]; otherwise two integers with 0 <= id < count. */
function parseShard(value: unknown): [number, number] | undefined {
  if (value === undefined || value === null) return [0, 1];
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [id, count] = value as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return undefined;
  const shard: [number, number] = [id as number, count as number];
  return shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1] ? shard : undefined;
}

/** Whether a session on `shard` gets a guild's events; without a guild (DMs) only shard 0 does. */
function owns(shard: [number, number], guildId: string | undefined): boolean {
  return guildId === undefined ? shard[0] === 0 : shardOf(guildId, shard[1]) === shard[0];
}
