/// <reference types="expo/types" />

// Variables named EXPO_PUBLIC_* are inlined into the bundle when it is built (see README.md).
declare namespace NodeJS {
  interface ProcessEnv {
    readonly EXPO_PUBLIC_API_URL?: string;
  }
}
