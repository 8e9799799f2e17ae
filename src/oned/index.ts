export { naturalBreaks } from './breaks.js';
export { type CkmeansResult, ckmeans } from './ckmeans.js';
