// Small line charts of how a cost grows, as hand-built SVG (no dependency):
// x on a log scale (sizes grow by decades), y from zero.
export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function niceMax(value: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(value, 1e-9)));
  return [1, 2, 2.5, 5, 10].map((step) => step * power).find((candidate) => candidate >= value) ?? value;
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const width = 520;
  const height = 300;
  const left = 60;
  const right = 150;
  const top = 36;
  const bottom = 48;
  const xs = series.flatMap((line) => line.points.map((point) => point.x));
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const yMax = niceMax(Math.max(...series.flatMap((line) => line.points.map((point) => point.y))));
  const logSpan = Math.log10(xMax) - Math.log10(xMin) || 1;
  const px = (x: number) => left + ((Math.log10(x) - Math.log10(xMin)) / logSpan) * (width - left - right);
  const py = (y: number) => height - bottom - (y / yMax) * (height - top - bottom);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="13" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const y = (yMax * i) / 4;
    parts.push(`<line x1="${left}" y1="${py(y)}" x2="${width - right}" y2="${py(y)}" stroke="#eee"/>`, `<text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${Number(y.toPrecision(3))}</text>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    parts.push(`<text x="${px(x)}" y="${height - bottom + 16}" text-anchor="middle">${x.toLocaleString('en-US')}</text>`);
  }
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 10}" text-anchor="middle">${escape(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
  series.forEach((line, i) => {
    const color = palette[i % palette.length]!;
    const path = line.points.map((point) => `${px(point.x).toFixed(1)},${py(point.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const point of line.points) parts.push(`<circle cx="${px(point.x).toFixed(1)}" cy="${py(point.y).toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<rect x="${width - right + 12}" y="${top + i * 18}" width="12" height="3" fill="${color}"/>`, `<text x="${width - right + 30}" y="${top + i * 18 + 5}">${escape(line.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
