// The labextension builder's webpack loads `.svg` imports as source strings.
declare module '*.svg' {
  const value: string;
  export default value;
}
