/** The arch-review version, written into the review marker. A test keeps it equal to package.json's. */
export const VERSION = '0.1.0';
