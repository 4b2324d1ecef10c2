// format.js: how the page words numbers and writes its downloads. The
// subtitle and text writers are the CLI's (cmd/transcribe/output.go:
// formatResult, makeCues, balanceLines, timestamp) in JavaScript, line for
// line; tests/browser checks the page's SRT, VTT, TXT and JSON against
// `transcribe --format ...` on the same clip. JSON needs no writer here:
// the module returns asr.AppendJSON's bytes, the CLI's own.

/** speedText says how a transcription time compares with the audio's length. */
export function speedText(seconds, audioSeconds) {
  if (!(seconds > 0) || !(audioSeconds > 0)) return "–";
  const rtf = seconds / audioSeconds;
  const ratio = rtf < 1 ? 1 / rtf : rtf;
  const times = ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1);
  if (times === "1.0") return `${rtf.toFixed(3)} (about real time)`;
  return `${rtf.toFixed(3)} (${times}× ${rtf < 1 ? "faster" : "slower"} than real time)`;
}

/** bytesText writes a byte count for people: "812 kB", "9.4 MB". */
export function bytesText(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} bytes`;
}

/** timestamp formats seconds as HH:MM:SS,mmm (SRT, sep ",") or HH:MM:SS.mmm (WebVTT, sep "."). */
export function timestamp(sec, sep) {
  const t = Math.round(Math.max(0, sec) * 1000);
  const p = (v, n) => String(v).padStart(n, "0");
  return `${p(Math.floor(t / 3600000), 2)}:${p(Math.floor(t / 60000) % 60, 2)}:${p(Math.floor(t / 1000) % 60, 2)}${sep}${p(t % 1000, 3)}`;
}

/** The CLI's defaultCueOptions. */
export const cueOptions = { maxLineChars: 42, maxLines: 2, maxDuration: 7, minPause: 0.5 };

const runeLen = (s) => [...s].length;

function wrapGreedy(words, width) {
  const lines = [];
  let line = "";
  for (const w of words) {
    if (line === "") line = w;
    else if (runeLen(line) + 1 + runeLen(w) <= width) line += " " + w;
    else { lines.push(line); line = w; }
  }
  if (line !== "") lines.push(line);
  return lines;
}

function fits(words, o) {
  const lines = wrapGreedy(words, o.maxLineChars);
  return lines.length <= o.maxLines && lines.every((l) => runeLen(l) <= o.maxLineChars);
}

function balanceLines(words, width, maxLines) {
  const greedy = wrapGreedy(words, width);
  if (greedy.length !== 2 || maxLines < 2) return greedy;
  let best = -1, bestLen = Infinity;
  for (let k = 1; k < words.length; k++) {
    const la = runeLen(words.slice(0, k).join(" ")), lb = runeLen(words.slice(k).join(" "));
    if (la > width || lb > width) continue;
    const m = Math.max(la, lb);
    if (m < bestLen) { best = k; bestLen = m; }
  }
  if (best < 0) return greedy;
  return [words.slice(0, best).join(" "), words.slice(best).join(" ")];
}

/** makeCues groups words into subtitles as the CLI does: [{start, end, lines}]. */
export function makeCues(words, o = cueOptions) {
  const out = [];
  let cur = [], start = 0, end = 0;
  const flush = () => {
    if (!cur.length) return;
    if (end <= start) end = start + 0.001;
    out.push({ start, end, lines: balanceLines(cur, o.maxLineChars, o.maxLines) });
    cur = [];
  };
  for (const w of words || []) {
    if (!w.word) continue;
    if (cur.length) {
      const pause = w.start - end;
      const tooLong = w.end - start > o.maxDuration;
      const tooWide = !fits([...cur, w.word], o);
      if (pause >= o.minPause || tooLong || tooWide) flush();
    }
    if (!cur.length) start = w.start;
    cur.push(w.word);
    end = w.end;
  }
  flush();
  return out;
}

/** srt is `transcribe --format srt` for one result. */
export function srt(result) {
  return makeCues(result.words).map((c, k) =>
    `${k + 1}\n${timestamp(c.start, ",")} --> ${timestamp(c.end, ",")}\n${c.lines.join("\n")}\n\n`).join("");
}

/** vtt is `transcribe --format vtt` for one result (with the WEBVTT header). */
export function vtt(result) {
  return "WEBVTT\n\n" + makeCues(result.words).map((c) =>
    `${timestamp(c.start, ".")} --> ${timestamp(c.end, ".")}\n${c.lines.join("\n")}\n\n`).join("");
}

/** txt is `transcribe --format txt` for one result: the text, or with timestamps its cues. */
export function txt(result, { timestamps = false } = {}) {
  if (!timestamps) return `${result.text}\n`;
  return makeCues(result.words).map((c) =>
    `[${timestamp(c.start, ".")} --> ${timestamp(c.end, ".")}] ${c.lines.join(" ")}\n`).join("");
}
