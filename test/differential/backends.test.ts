/**
 * Differential tests on generated frame streams (fast-check, fixed seed; the generator is generate.ts): backend
 * 'wasm' vs 'js' vs 'auto' (which switches per chunk at AUTO_WASM_MIN_CHUNK, so one message can be parsed partly
 * by each), fed whole, at random split points and in small random chunks: the decoded messages, the error (code,
 * close code, and the push that threw) and end() must be identical.
 *
 * Set WSFRAME_FC_SEED to replay another seed, WSFRAME_FC_RUNS to scale the number of runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunks } from '../helpers.js';
import {
  runs,
  type FrameOutcome,
  inPlaceViews,
  autoSwitched,
  autoViewChunks,
  runFrame,
  arbPlan,
  arbCleanPlan,
  arbMutation,
  arbCuts,
  type Built,
  build,
  splitAt,
  assertProperty,
  withStream,
} from './generate.js';

// ---------------------------------------------------------------------------------------------------------
// 1. Backends against each other

function compareBackends(built: Built, cuts: readonly number[]): void {
  const { bytes, role } = built;
  const feeds: Uint8Array[][] = [[bytes], splitAt(bytes, cuts)];
  if (bytes.length <= 16384) feeds.push(chunks(bytes, 'random', cuts.length * 7919 + bytes.length));
  let reference: FrameOutcome | null = null;
  for (const pieces of feeds) {
    withStream(built, pieces, () => {
      // Text as bytes may be validated differently (whole messages by the runtime's isUtf8, C_UTF8_DEFER) but
      // must fail at the same push with the same error, after the same messages, as text as strings.
      const shape = ({ events, error, at, eof, closed }: FrameOutcome) => ({
        events: events.length,
        error,
        at,
        eof,
        closed,
      });
      for (const backend of ['wasm', 'js'] as const) {
        expect(shape(runFrame(pieces, { role, backend, textAs: 'bytes' })), `${backend}: bytes vs strings`).toEqual(
          shape(runFrame(pieces, { role, backend, textAs: 'string' })),
        );
      }
      for (const textAs of ['string', 'bytes'] as const) {
        const js = runFrame(pieces, { role, backend: 'js', textAs });
        for (const backend of ['wasm', 'auto'] as const) {
          expect(runFrame(pieces, { role, backend, textAs }), `${backend} vs js, textAs ${textAs}`).toEqual(js);
        }
        // inPlace (views of the pushed chunks) decodes exactly what the copying default does, on both backends.
        for (const backend of ['wasm', 'js'] as const) {
          expect(
            runFrame(pieces, { role, backend, textAs, inPlace: true }),
            `${backend} inPlace vs js, textAs ${textAs}`,
          ).toEqual(js);
        }
        if (textAs === 'string') {
          // Chunking never changes what is decoded (only which push throws).
          const { at: _at, ...rest } = js;
          if (reference === null) reference = js;
          else {
            const { at: _refAt, ...ref } = reference;
            expect(rest, 'split feed vs whole feed').toEqual(ref);
          }
        }
      }
    });
  }
}

describe('backends agree (wasm vs js vs auto)', () => {
  it('on generated streams (valid, fragmented with interleaved control frames, invalid frames), whole and split', () => {
    assertProperty(
      'backends/generated',
      fc.property(arbPlan, arbCuts, (plan, cuts) => compareBackends(build(plan), cuts)),
      runs(1500),
    );
  });

  it('on mutated streams (random bytes flipped, truncated)', () => {
    assertProperty(
      'backends/mutated',
      fc.property(arbCleanPlan, arbMutation, arbCuts, (plan, mutation, cuts) =>
        compareBackends(build(plan, mutation), cuts),
      ),
      runs(1500),
    );
  });

  it("exercised 'auto' switching between WASM and TS chunk by chunk within one stream", () => {
    expect(autoSwitched).toBeGreaterThan(0);
  });

  it("exercised 'auto' handing chunks led by large unmasked binary payload to TS", () => {
    expect(autoViewChunks).toBeGreaterThan(0);
  });

  it('exercised inPlace views of pushed chunks', () => {
    expect(inPlaceViews).toBeGreaterThan(0);
  });
});
