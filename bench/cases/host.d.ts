/**
 * The one host global the runtime-neutral cases use. Node and browsers (page and worker) both have
 * it; lib ES2022 does not declare it, and this project takes no DOM or Node types on purpose.
 */
declare const performance: { now(): number };
