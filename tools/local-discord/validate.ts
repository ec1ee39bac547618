/**
 * The limits Discord enforces on message, modal, choice and command bodies.
 * Failures become 400 { code: 50035, message: 'Invalid Form Body', errors }
 * with Discord's nested `errors` layout: { embeds: { 0: { title: { _errors: [...] } } } }.
 */
import { badRequest, invalidForm } from './errors.js';

type Path = ReadonlyArray<string | number>;
type Obj = Record<string, unknown>;

export class FormErrors {
  readonly errors: Obj = {};
  count = 0;

  add(path: Path, code: string, message: string): void {
    this.count++;
    let node = this.errors;
    for (const key of path) {
      const k = String(key);
      let next = node[k] as Obj | undefined;
      if (!next) {
        next = {};
        node[k] = next;
      }
      node = next;
    }
    const list = (node._errors as Array<{ code: string; message: string }> | undefined) ?? [];
    list.push({ code, message });
    node._errors = list;
  }

  maxLength(path: Path, value: unknown, max: number): void {
    if (typeof value === 'string' && value.length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  /** Required string with a length range. */
  length(path: Path, value: unknown, min: number, max: number): void {
    if (value === undefined || value === null) this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    else if (typeof value !== 'string') this.add(path, 'BASE_TYPE_STRING', 'Could not interpret the value as string.');
    else if (value.length < min || value.length > max) this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  }

  throwIfAny(): void {
    if (this.count > 0) throw invalidForm(this.errors);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function validateEmbeds(e: FormErrors, embeds: unknown, prefix: Path = []): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) return e.add([...prefix, 'embeds'], 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (embeds.length > 10) e.add([...prefix, 'embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  embeds.forEach((embed, i) => {
    const p = [...prefix, 'embeds', i];
    if (!isObj(embed)) return e.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    e.maxLength([...p, 'title'], embed.title, 256);
    e.maxLength([...p, 'description'], embed.description, 4096);
    total += str(embed.title).length + str(embed.description).length;
    if (embed.color !== undefined && embed.color !== null && (!Number.isInteger(embed.color) || (embed.color as number) < 0 || (embed.color as number) > 0xffffff)) {
      e.add([...p, 'color'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
    }
    if (isObj(embed.footer)) {
      e.length([...p, 'footer', 'text'], embed.footer.text, 1, 2048);
      total += str(embed.footer.text).length;
    }
    if (isObj(embed.author)) {
      e.length([...p, 'author', 'name'], embed.author.name, 1, 256);
      total += str(embed.author.name).length;
    }
    if (embed.fields !== undefined) {
      if (!Array.isArray(embed.fields)) return e.add([...p, 'fields'], 'BASE_TYPE_ARRAY', 'Must be an array.');
      if (embed.fields.length > 25) e.add([...p, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      embed.fields.forEach((f: unknown, j: number) => {
        const fp = [...p, 'fields', j];
        if (!isObj(f)) return e.add(fp, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        e.length([...fp, 'name'], f.name, 1, 256);
        e.length([...fp, 'value'], f.value, 1, 1024);
        total += str(f.name).length + str(f.value).length;
      });
    }
  });
  if (total > 6000) e.add([...prefix, 'embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}

const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
const V2_TYPES = new Set([1, 9, 10, 11, 12, 13, 14, 17]);

class ComponentWalk {
  ids = new Set<string>();
  total = 0;
  text = 0;
  constructor(readonly e: FormErrors) {}

  customId(p: Path, c: Obj): void {
    this.e.length([...p, 'custom_id'], c.custom_id, 1, 100);
    if (typeof c.custom_id === 'string') {
      if (this.ids.has(c.custom_id)) this.e.add([...p, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
      this.ids.add(c.custom_id);
    }
  }

  button(p: Path, c: Obj): void {
    const style = c.style;
    if (typeof style !== 'number' || style < 1 || style > 6) this.e.add([...p, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6}.');
    this.e.maxLength([...p, 'label'], c.label, 80);
    if (style === 5) {
      if (typeof c.url !== 'string' || c.url.length === 0) this.e.add([...p, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
      this.e.maxLength([...p, 'url'], c.url, 512);
      if (c.custom_id !== undefined) this.e.add([...p, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A custom id cannot be set on a link button');
    } else if (style === 6) {
      if (typeof c.sku_id !== 'string') this.e.add([...p, 'sku_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    } else {
      this.customId(p, c);
      if (c.url !== undefined) this.e.add([...p, 'url'], 'BUTTON_COMPONENT_URL_NOT_ALLOWED', 'A url can only be set on a link button');
    }
    if (style !== 6 && (typeof c.label !== 'string' || c.label.length === 0) && !isObj(c.emoji)) {
      this.e.add([...p, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A label or an emoji is required');
    }
  }

  select(p: Path, c: Obj): void {
    this.customId(p, c);
    this.e.maxLength([...p, 'placeholder'], c.placeholder, 150);
    const min = c.min_values;
    const max = c.max_values;
    if (min !== undefined && (typeof min !== 'number' || min < 0 || min > 25)) this.e.add([...p, 'min_values'], 'NUMBER_TYPE_MAX', 'int value should be between 0 and 25.');
    if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 25)) this.e.add([...p, 'max_values'], 'NUMBER_TYPE_MAX', 'int value should be between 1 and 25.');
    if (c.type !== 3) return;
    const options = c.options;
    if (!Array.isArray(options) || options.length === 0) return this.e.add([...p, 'options'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (options.length > 25) this.e.add([...p, 'options'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    const values = new Set<string>();
    let defaults = 0;
    options.forEach((o: unknown, i: number) => {
      const op = [...p, 'options', i];
      if (!isObj(o)) return this.e.add(op, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      this.e.length([...op, 'label'], o.label, 1, 100);
      this.e.length([...op, 'value'], o.value, 1, 100);
      this.e.maxLength([...op, 'description'], o.description, 100);
      if (typeof o.value === 'string') {
        if (values.has(o.value)) this.e.add([...op, 'value'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'Select component option values must be unique');
        values.add(o.value);
      }
      if (o.default === true) defaults++;
    });
    if (typeof min === 'number' && min > options.length) this.e.add([...p, 'min_values'], 'SELECT_COMPONENT_MIN_VALUES_TOO_LARGE', 'min_values must be less than or equal to the number of options');
    if (defaults > (typeof max === 'number' ? max : 1)) this.e.add([...p, 'options'], 'SELECT_COMPONENT_TOO_MANY_DEFAULT_VALUES', 'Too many default values');
  }

  row(p: Path, row: Obj, inModal: boolean): void {
    const children = row.components;
    if (!Array.isArray(children) || children.length === 0) return this.e.add([...p, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    if (children.length > 5) this.e.add([...p, 'components'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
    const hasSelect = children.some((c) => isObj(c) && SELECT_TYPES.has(c.type as number));
    if (hasSelect && children.length > 1) this.e.add([...p, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    children.forEach((c: unknown, i: number) => {
      const cp = [...p, 'components', i];
      this.total++;
      if (!isObj(c)) return this.e.add(cp, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      if (c.type === 2 && !inModal) this.button(cp, c);
      else if (SELECT_TYPES.has(c.type as number)) this.select(cp, c);
      else if (c.type === 4 && inModal) this.textInput(cp, c);
      else this.e.add([...cp, 'type'], 'UNION_TYPE_CHOICES', `Value of field "type" must be one of (${inModal ? '4' : '2, 3, 5, 6, 7, 8'}).`);
    });
  }

  textInput(p: Path, c: Obj): void {
    this.customId(p, c);
    if (c.style !== 1 && c.style !== 2) this.e.add([...p, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2}.');
    if (c.label !== undefined) this.e.length([...p, 'label'], c.label, 1, 45);
    this.e.maxLength([...p, 'placeholder'], c.placeholder, 100);
    this.e.maxLength([...p, 'value'], c.value, 4000);
  }

  /** Components V2 layout (flag 1 << 15). */
  v2(p: Path, c: Obj): void {
    this.total++;
    const t = c.type as number;
    if (t === 1) return this.row(p, c, false);
    if (t === 10) {
      this.e.length([...p, 'content'], c.content, 1, 4000);
      this.text += str(c.content).length;
      return;
    }
    if (t === 17 || t === 9) {
      const kids = c.components;
      if (!Array.isArray(kids) || kids.length === 0) return this.e.add([...p, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
      kids.forEach((k: unknown, i: number) => (isObj(k) ? this.v2([...p, 'components', i], k) : undefined));
      if (t === 9 && isObj(c.accessory)) {
        this.total++;
        if (c.accessory.type === 2) this.button([...p, 'accessory'], c.accessory);
      }
      return;
    }
    if (!V2_TYPES.has(t)) this.e.add([...p, 'type'], 'UNION_TYPE_CHOICES', 'Invalid component type');
  }
}

export function validateComponents(e: FormErrors, components: unknown, flags: number, prefix: Path = []): void {
  if (components === undefined || components === null) return;
  const p = [...prefix, 'components'];
  if (!Array.isArray(components)) return e.add(p, 'BASE_TYPE_ARRAY', 'Must be an array.');
  const walk = new ComponentWalk(e);
  if (flags & (1 << 15)) {
    components.forEach((c: unknown, i: number) => (isObj(c) ? walk.v2([...p, i], c) : e.add([...p, i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType')));
    if (walk.total > 40) e.add(p, 'BASE_TYPE_MAX_LENGTH', 'Must be 40 or fewer in length.');
    if (walk.text > 4000) e.add(p, 'COMPONENTS_V2_TEXT_TOO_LONG', 'The total text in components must be 4000 or fewer characters');
    return;
  }
  if (components.length > 5) e.add(p, 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
  components.forEach((row: unknown, i: number) => {
    if (!isObj(row) || row.type !== 1) return e.add([...p, i, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
    walk.row([...p, i], row, false);
  });
}

const ALLOWED_PARSE = new Set(['users', 'roles', 'everyone']);

export function validateAllowedMentions(e: FormErrors, am: unknown, prefix: Path = []): void {
  if (am === undefined || am === null) return;
  const p = [...prefix, 'allowed_mentions'];
  if (!isObj(am)) return e.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
  const parse = am.parse;
  if (parse !== undefined) {
    if (!Array.isArray(parse)) return e.add([...p, 'parse'], 'BASE_TYPE_ARRAY', 'Must be an array.');
    parse.forEach((v: unknown, i: number) => {
      if (typeof v !== 'string' || !ALLOWED_PARSE.has(v)) e.add([...p, 'parse', i], 'BASE_TYPE_CHOICES', "Value must be one of ('roles', 'users', 'everyone').");
    });
    for (const kind of ['users', 'roles'] as const) {
      if (parse.includes(kind) && Array.isArray(am[kind]) && (am[kind] as unknown[]).length > 0) {
        e.add(p, 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);
      }
    }
  }
  for (const kind of ['users', 'roles'] as const) {
    const ids = am[kind];
    if (ids !== undefined && (!Array.isArray(ids) || ids.length > 100)) e.add([...p, kind], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  }
}

/** Flags a bot may set when creating a message; others are ignored like Discord does. */
export const SETTABLE_FLAGS = 4 | 64 | 4096 | 8192 | 32768;

export interface MessageCheck {
  /** create: empty messages are rejected; edit: absent fields are kept. */
  mode: 'create' | 'edit';
  files: number;
  prefix?: Path;
  /** Flags the message will end up with (for the components V2 rules). */
  flags: number;
}

/** Validates a message body; throws 400 50035 (or 50006 for an empty message). */
export function validateMessage(body: Obj, check: MessageCheck): void {
  const e = new FormErrors();
  const prefix = check.prefix ?? [];
  const { content, embeds, components } = body;
  if (content !== undefined && content !== null && typeof content !== 'string') e.add([...prefix, 'content'], 'BASE_TYPE_STRING', 'Could not interpret the value as string.');
  e.maxLength([...prefix, 'content'], content, 2000);
  validateEmbeds(e, embeds, prefix);
  validateComponents(e, components, check.flags, prefix);
  validateAllowedMentions(e, body.allowed_mentions, prefix);
  if (check.flags & (1 << 15) && ((typeof content === 'string' && content.length > 0) || (Array.isArray(embeds) && embeds.length > 0))) {
    e.add([...prefix, 'content'], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', 'The \'content\' and \'embeds\' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2');
  }
  const nonce = body.nonce;
  if (nonce !== undefined && nonce !== null) {
    if (typeof nonce === 'string' ? nonce.length > 25 : !Number.isInteger(nonce)) e.add([...prefix, 'nonce'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  }
  if (body.enforce_nonce === true && (nonce === undefined || nonce === null)) e.add([...prefix, 'nonce'], 'BASE_TYPE_REQUIRED', 'This field is required');
  e.throwIfAny();
  if (check.mode === 'create') {
    const empty =
      !(typeof content === 'string' && content.length > 0) &&
      !(Array.isArray(embeds) && embeds.length > 0) &&
      !(Array.isArray(components) && components.length > 0) &&
      check.files === 0 &&
      !(Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) &&
      body.poll === undefined;
    if (empty) throw badRequest(50006, 'Cannot send an empty message');
  }
}

export function validateModal(data: Obj): void {
  const e = new FormErrors();
  e.length(['data', 'custom_id'], data.custom_id, 1, 100);
  e.length(['data', 'title'], data.title, 1, 45);
  const rows = data.components;
  if (!Array.isArray(rows) || rows.length === 0) e.add(['data', 'components'], 'BASE_TYPE_REQUIRED', 'This field is required');
  else {
    if (rows.length > 5) e.add(['data', 'components'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
    const walk = new ComponentWalk(e);
    rows.forEach((row: unknown, i: number) => {
      if (!isObj(row)) return;
      if (row.type === 1) walk.row(['data', 'components', i], row, true);
      else if (row.type === 18 && isObj(row.component)) {
        e.length(['data', 'components', i, 'label'], row.label, 1, 45);
        if (row.component.type === 4) walk.textInput(['data', 'components', i, 'component'], row.component);
        else walk.select(['data', 'components', i, 'component'], row.component);
      }
    });
  }
  e.throwIfAny();
}

export function validateChoices(data: Obj | undefined): Array<{ name: string; value: string | number }> {
  const e = new FormErrors();
  const choices = data?.choices;
  if (!Array.isArray(choices)) {
    e.add(['data', 'choices'], 'BASE_TYPE_REQUIRED', 'This field is required');
    e.throwIfAny();
    return [];
  }
  if (choices.length > 25) e.add(['data', 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  choices.forEach((c: unknown, i: number) => {
    const p = ['data', 'choices', i];
    if (!isObj(c)) return e.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    e.length([...p, 'name'], c.name, 1, 100);
    if (typeof c.value === 'string') e.maxLength([...p, 'value'], c.value, 100);
    else if (typeof c.value !== 'number') e.add([...p, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
  });
  e.throwIfAny();
  return choices as Array<{ name: string; value: string | number }>;
}

export function validateThreadName(name: unknown): void {
  const e = new FormErrors();
  e.length(['name'], name, 1, 100);
  e.throwIfAny();
}

const NAME_RE = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function commandChars(cmd: Obj): number {
  let n = str(cmd.name).length + str(cmd.description).length;
  const opts = cmd.options;
  if (Array.isArray(opts)) {
    for (const o of opts) {
      if (!isObj(o)) continue;
      n += commandChars(o);
      if (Array.isArray(o.choices)) for (const c of o.choices) if (isObj(c)) n += str(c.name).length + String(c.value ?? '').length;
    }
  }
  return n;
}

function validateOptions(e: FormErrors, p: Path, options: unknown, depth: number): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) return e.add(p, 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (options.length > 25) e.add(p, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  const names = new Set<string>();
  let sawOptional = false;
  options.forEach((o: unknown, i: number) => {
    const op = [...p, i];
    if (!isObj(o)) return e.add(op, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    const type = o.type as number;
    if (!Number.isInteger(type) || type < 1 || type > 11) e.add([...op, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.');
    if (typeof o.name !== 'string' || !NAME_RE.test(o.name) || o.name !== o.name.toLowerCase()) e.add([...op, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    else if (names.has(o.name)) e.add([...op, 'name'], 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Application command option names must be unique');
    else names.add(o.name);
    e.length([...op, 'description'], o.description, 1, 100);
    const isSub = type === 1 || type === 2;
    if (isSub) {
      if (depth >= (type === 2 ? 1 : 2)) e.add([...op, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
      if (type === 2 && Array.isArray(o.options) && o.options.some((s: unknown) => !isObj(s) || s.type !== 1)) e.add([...op, 'options'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Sub-command groups may only contain sub-commands');
      validateOptions(e, [...op, 'options'], o.options, depth + 1);
      return;
    }
    if (o.required === true && sawOptional) e.add([...op, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    if (o.required !== true) sawOptional = true;
    if (Array.isArray(o.choices)) {
      if (o.autocomplete === true) e.add([...op, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_AND_CHOICES', 'Autocomplete and choices cannot both be set');
      if (o.choices.length > 25) e.add([...op, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      o.choices.forEach((c: unknown, j: number) => {
        if (!isObj(c)) return;
        e.length([...op, 'choices', j, 'name'], c.name, 1, 100);
        if (typeof c.value === 'string') e.maxLength([...op, 'choices', j, 'value'], c.value, 100);
      });
    }
    if (o.min_length !== undefined && (typeof o.min_length !== 'number' || o.min_length < 0 || o.min_length > 6000)) e.add([...op, 'min_length'], 'NUMBER_TYPE_MAX', 'int value should be between 0 and 6000.');
    if (o.max_length !== undefined && (typeof o.max_length !== 'number' || o.max_length < 1 || o.max_length > 6000)) e.add([...op, 'max_length'], 'NUMBER_TYPE_MAX', 'int value should be between 1 and 6000.');
  });
  // Sub-commands cannot be mixed with other option types at the same level.
  const subs = options.filter((o) => isObj(o) && (o.type === 1 || o.type === 2)).length;
  if (subs > 0 && subs < options.length) e.add(p, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
}

/** One command (POST/PATCH) or a whole list (PUT, with per-index paths). */
export function validateCommand(e: FormErrors, cmd: unknown, p: Path): void {
  if (!isObj(cmd)) return e.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
  const type = (cmd.type as number | undefined) ?? 1;
  if (![1, 2, 3, 4].includes(type)) e.add([...p, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4}.');
  const name = cmd.name;
  if (typeof name !== 'string') e.add([...p, 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
  else if (type === 1 ? !NAME_RE.test(name) || name !== name.toLowerCase() : name.length < 1 || name.length > 32) {
    e.add([...p, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
  if (type === 1) e.length([...p, 'description'], cmd.description, 1, 100);
  else if (cmd.description !== undefined && cmd.description !== '') e.add([...p, 'description'], 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION', 'Context menu commands cannot have description');
  if (type === 1) validateOptions(e, [...p, 'options'], cmd.options, 0);
  else if (Array.isArray(cmd.options) && cmd.options.length > 0) e.add([...p, 'options'], 'APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS', 'Context menu commands cannot have options');
  if (commandChars(cmd) > 4000) e.add(p, 'APPLICATION_COMMAND_TOO_LARGE', 'Command exceeds maximum size (4000)');
  const dmp = cmd.default_member_permissions;
  if (dmp !== undefined && dmp !== null && (typeof dmp !== 'string' || !/^\d+$/.test(dmp))) e.add([...p, 'default_member_permissions'], 'BASE_TYPE_STRING', 'Must be a permission bitfield string.');
}

export function validateCommandList(list: unknown): void {
  const e = new FormErrors();
  if (!Array.isArray(list)) {
    e.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
    e.throwIfAny();
    return;
  }
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  list.forEach((cmd: unknown, i: number) => {
    validateCommand(e, cmd, [i]);
    if (!isObj(cmd)) return;
    const type = (cmd.type as number | undefined) ?? 1;
    perType.set(type, (perType.get(type) ?? 0) + 1);
    const key = `${type}:${String(cmd.name)}`;
    if (seen.has(key)) e.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
    seen.add(key);
  });
  if ((perType.get(1) ?? 0) > 100) e.add([], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer chat input commands.');
  if ((perType.get(2) ?? 0) > 15 || (perType.get(3) ?? 0) > 15) e.add([], 'BASE_TYPE_MAX_LENGTH', 'Must be 15 or fewer context menu commands of each type.');
  e.throwIfAny();
}
