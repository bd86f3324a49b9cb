// Every message a kernel guard can abort with. The JS loader's `env.abort` reads them back out of
// memory and turns them into a VitrineError, so keep them short and stable.

/** A row, slot or candidate index outside its reserved region. */
export const E_INDEXOUTOFRANGE: string = 'Index out of range';
/** A size argument (rows, dim, k, slots) that is negative or does not fit the layout. */
export const E_INVALIDLENGTH: string = 'Invalid length';
/** A pointer that is not aligned to the 16 bytes the SIMD loads expect. */
export const E_MISALIGNED: string = 'Pointer not 16-byte aligned';
