import { renderJunit } from '../report/index.js';
import { xmlAttribute, xmlText } from '../report/junit.js';
import type { BatchWriter } from './output.js';
import type { SubjectOutcome } from './types.js';

/**
 * JUnit XML for a batch: the suites of every subject's report inside one <testsuites>, each suite
 * named "<subject>: <policy>" so that a dashboard tells subjects apart. A subject that could not
 * be checked is a suite with one <error> (errors count as broken builds in every JUnit reader).
 * The root carries no totals: they are known only at the end, and the root is written first.
 */
export function junitWriter(): BatchWriter {
  return {
    start: () => '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="vouch">\n',
    subject: suitesOf,
    end: () => '</testsuites>\n',
  };
}

function suitesOf(o: SubjectOutcome): string {
  if (o.kind === 'error') {
    const name = xmlAttribute(o.subject);
    return [
      `  <testsuite name="${name}" tests="1" failures="0" errors="1" skipped="0">`,
      `    <testcase name="verify" classname="${name}">`,
      `      <error message="${xmlAttribute(o.error.message)}" type="${xmlAttribute(o.error.code)}">${xmlText(`could not check: ${o.error.message}`)}</error>`,
      '    </testcase>',
      '  </testsuite>',
      '',
    ].join('\n');
  }
  const lines = renderJunit(o.report).split('\n');
  const inner = lines.slice(2, lines.lastIndexOf('</testsuites>'));
  // renderJunit writes each suite's name attribute first, escaped: prefix it with the subject.
  const prefix = xmlAttribute(`${o.subject}: `);
  return `${inner.map((l) => l.replace(/^ {2}<testsuite name="/, `  <testsuite name="${prefix}`)).join('\n')}\n`;
}
