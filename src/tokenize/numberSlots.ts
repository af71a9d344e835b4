// Number slots: a copy mechanism for the numbers a sentence names.
//
// "remove the even numbers in [5,6,77,45]" wants exactly those numbers in the
// code, but a model can only write numbers it has learned to predict, and it
// invents others ("[12, 24, 35]"). With slots, each distinct number of the
// sentence becomes a placeholder word <num0>, <num1>, … (in order of first
// appearance), and a NUMBER token of the code with the same text becomes the
// same placeholder. The model learns to write "<num2>" where the code repeats
// the sentence's third number; `fillSlots` puts the number back afterwards.
// This is the canonicalisation of CoNaLa's baselines (Yin & Neubig), done on
// tokens: a pointer network would need a second output distribution in the
// engine for the same effect on numbers.
import { tokenizeEnglish } from './english.js';
import { lexPython, type PyToken } from './pyLexer.js';

/** Sentences with more distinct numbers keep the rest as plain words. */
export const MAX_NUMBER_SLOTS = 8;

/** Number words as the English tokenizer emits them (no exponent forms). */
const NUMBER_WORD = /^\d+(?:\.\d+)?$/;
const SLOT_TOKEN = /^<num(\d+)>$/;

export function slotToken(k: number): string {
  return `<num${k}>`;
}

/** Every slot token, for vocabularies that must hold them all. */
export function allSlotTokens(): string[] {
  return Array.from({ length: MAX_NUMBER_SLOTS }, (_, k) => slotToken(k));
}

/** The slot a token stands for, or -1. */
export function slotIndex(token: string): number {
  const m = SLOT_TOKEN.exec(token);
  return m ? Number(m[1]) : -1;
}

export interface SlottedSentence {
  /** The words with each slotted number replaced by its slot token. */
  words: string[];
  /** numbers[k] is the text slot k stands for. */
  numbers: string[];
}

/** Replace the numbers of a tokenized sentence by slot tokens. */
export function slotSentence(words: readonly string[]): SlottedSentence {
  const numbers: string[] = [];
  const out = words.map((w) => {
    if (!NUMBER_WORD.test(w)) return w;
    let k = numbers.indexOf(w);
    if (k < 0 && numbers.length < MAX_NUMBER_SLOTS) k = numbers.push(w) - 1;
    return k < 0 ? w : slotToken(k);
  });
  return { words: out, numbers };
}

type Tok = Pick<PyToken, 'type' | 'value'>;

/**
 * Code tokens with every NUMBER equal to a slotted number replaced by its slot
 * token. The slot is typed OP so the subword layer keeps it whole.
 */
export function slotCode<T extends Tok>(tokens: readonly T[], numbers: readonly string[]): Tok[] {
  if (numbers.length === 0) return [...tokens];
  return tokens.map((t) => {
    const k = t.type === 'NUMBER' ? numbers.indexOf(t.value) : -1;
    return k < 0 ? t : { type: 'OP', value: slotToken(k) };
  });
}

/** Model tokens with each slot token replaced by the number it stands for (an unknown slot becomes "0"). */
export function fillSlots(tokens: readonly string[], numbers: readonly string[]): string[] {
  return tokens.map((t) => {
    const k = slotIndex(t);
    return k < 0 ? t : numbers[k] ?? '0';
  });
}

/**
 * What a model sees of one pair: the description's words and the code's tokens
 * (comments dropped), with number slots when the model uses them. Vocabularies,
 * training and evaluation all read pairs through this. Throws PyTokenizeError.
 */
export function pairTokens(description: string, code: string, numberSlots: boolean): { words: string[]; code: Tok[] } {
  const words = tokenizeEnglish(description);
  const tokens = lexPython(code);
  if (!numberSlots) return { words, code: tokens };
  const slotted = slotSentence(words);
  return { words: slotted.words, code: slotCode(tokens, slotted.numbers) };
}
