/** Vite's `?raw` imports: the file's text, bundled into the build. */
declare module '*?raw' {
  const text: string;
  export default text;
}

/** Vite's glob import of files' text (`query: '?raw'`, eager): path → text, bundled into the build. */
interface ImportMeta {
  glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string>;
}
