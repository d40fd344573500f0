/**
 * Arrays that start in the elements kind they end in.
 *
 * V8 compiles code for the array maps it has seen. An empty literal `[]` starts as an array of
 * small integers and turns into an array of objects on the first object pushed; code optimised
 * on one engine's long-lived arrays then deoptimises the first time it meets a new engine's fresh
 * ones. Fields that will hold objects start as object arrays instead. Behaviour is unchanged.
 */

/** an empty array already in V8's "packed objects" elements kind */
export function objectArray<T>(): T[] {
  const a = [undefined] as unknown as T[];
  a.length = 0;
  return a;
}
