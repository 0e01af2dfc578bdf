/** build.js bundles a .css import as its minified text. */
declare module '*.css' {
  const css: string;
  export default css;
}
