import { useEffect, useRef, useState } from "react";

/** The value once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The value as it was once its key stopped changing for `ms` (the key stands for the value). */
export function useDebouncedKey<T>(value: T, key: string, ms: number): T {
  const latest = useRef(value);
  latest.current = value;
  const [settled, setSettled] = useState(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the value
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(latest.current), ms);
    return () => window.clearTimeout(timer);
  }, [key, ms]);
  return settled;
}
