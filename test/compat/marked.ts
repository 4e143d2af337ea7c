import { marked, Marked } from "marked";
import { cases } from "./show.ts";

const doc = `# Title

Some *emphasis*, **strong**, \`code\` and a [link](https://example.com "t").

- one
- two
  1. nested

| a | b |
|---|:-:|
| 1 | 2 |

\`\`\`ts
const x = 1 < 2;
\`\`\`

> quote with <b>html</b> & entities
`;

await cases({
  html: () => marked.parse(doc, { async: false }),
  inline: () => marked.parseInline("a ~~b~~ _c_ https://example.org"),
  lexer: () => marked.lexer("# h\n\ntext").map((t) => t.type),
  extension: () => new Marked({ renderer: { heading({ tokens, depth }) { return `<h${depth} class="x">${this.parser.parseInline(tokens)}</h${depth}>\n`; } } }).parse("## Hi *there*"),
});
