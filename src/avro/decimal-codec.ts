/**
 * Decimal columns: in-memory decimal text ("-12.3400", "NaN", "Infinity", "-Infinity") <-> avsc values.
 *
 * Wire format, constrained decimal(p, s): union branch `bytes` with logicalType decimal — the unscaled
 * integer at the Avro scale as big-endian two's complement in the fewest bytes — or branch
 * io.tandem.DecimalSpecial for NaN / ±Infinity. Decoded text always has exactly max(s, 0) fractional
 * digits ("1.5" written to numeric(5,2) reads back "1.50"; canonical input reads back unchanged).
 *
 * Wire format, unconstrained decimal: branch io.tandem.VariableScaleDecimal {scale: int, unscaled:
 * bytes}, scale being the text's number of fractional digits, or io.tandem.DecimalSpecial. The text
 * reads back exactly as written when it is canonical (no leading zeros, no "-0").
 */
import { decimalShape } from './logical-type-check.js';
import { DecimalSpecialSymbols } from './logical-type-schema.js';
import {
  bigintToTwosComplement,
  formatDecimalText,
  parseDecimalText,
  twosComplementToBigint,
  type ScaledDecimal,
} from './decimal-text.js';
import { reject, type ValueCodec } from './value-codec.js';
import type { Value } from '../model/logical-type.js';

const SPECIAL_BY_SYMBOL: Record<string, string> = {
  [DecimalSpecialSymbols.NaN]: 'NaN',
  [DecimalSpecialSymbols.Infinity]: 'Infinity',
  [DecimalSpecialSymbols['-Infinity']]: '-Infinity',
};

function specialSymbol(v: string): string | undefined {
  return v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? DecimalSpecialSymbols[v] : undefined;
}

function parseOrReject(v: unknown): ScaledDecimal | string {
  if (typeof v !== 'string') reject('expected decimal text (a string)');
  const special = specialSymbol(v);
  if (special !== undefined) return special;
  return parseDecimalText(v) ?? reject("expected decimal text like \"-12.30\", 'NaN', 'Infinity' or '-Infinity'");
}

export function decimalCodec(precision: number | undefined, scale: number | undefined): ValueCodec {
  return precision === undefined ? unconstrainedDecimalCodec() : constrainedDecimalCodec(precision, scale ?? 0);
}

function constrainedDecimalCodec(precision: number, scale: number): ValueCodec {
  const shape = decimalShape(precision, scale);
  const tooManyDigits = `more than ${precision} significant digits (decimal(${precision},${scale}))`;
  const digitLimit = 10n ** BigInt(shape.maxDigits); // |unscaled| must stay below
  return {
    toAvro: (v) => {
      const parsed = parseOrReject(v);
      if (typeof parsed === 'string') return parsed;
      if (parsed.scale > shape.avroScale) {
        reject(`more than ${shape.avroScale} digits after the decimal point (decimal(${precision},${scale}))`);
      }
      const unscaled =
        parsed.scale === shape.avroScale ? parsed.unscaled : parsed.unscaled * 10n ** BigInt(shape.avroScale - parsed.scale);
      if (shape.multipleOf !== 1n && unscaled % shape.multipleOf !== 0n) {
        reject(`not a multiple of ${shape.multipleOf} as the negative scale of decimal(${precision},${scale}) requires`);
      }
      if (unscaled >= digitLimit || unscaled <= -digitLimit) reject(tooManyDigits);
      return bigintToTwosComplement(unscaled);
    },
    fromAvro: (avro): Value => {
      if (typeof avro === 'string') return specialFromSymbol(avro);
      return formatDecimalText(twosComplementToBigint(avro as Buffer), shape.avroScale);
    },
  };
}

function unconstrainedDecimalCodec(): ValueCodec {
  return {
    toAvro: (v) => {
      const parsed = parseOrReject(v);
      if (typeof parsed === 'string') return parsed;
      if (parsed.scale > 2147483647) reject('scale beyond int32');
      return { scale: parsed.scale, unscaled: bigintToTwosComplement(parsed.unscaled) };
    },
    fromAvro: (avro): Value => {
      if (typeof avro === 'string') return specialFromSymbol(avro);
      const record = avro as { scale: number; unscaled: Buffer };
      if (record.scale < 0) throw new Error(`negative VariableScaleDecimal scale ${record.scale}`);
      return formatDecimalText(twosComplementToBigint(record.unscaled), record.scale);
    },
  };
}

function specialFromSymbol(symbol: string): Value {
  const special = SPECIAL_BY_SYMBOL[symbol];
  if (special === undefined) throw new Error(`unknown DecimalSpecial symbol ${symbol}`);
  return special;
}
