/** A small pull-request change both job tests review: `total()` of an invoice module gains two lines. */
export const PATH = 'src/billing/invoice.ts';
export const DIFF = `diff --git a/${PATH} b/${PATH}
index 1111111..2222222 100644
--- a/${PATH}
+++ b/${PATH}
@@ -1,4 +1,6 @@
 export function total(items: number[]): number {
-  return items.reduce((a, b) => a + b, 0);
+  const sum = items.reduce((a, b) => a + b, 0);
+  const rounded = Math.round(sum * 100) / 100;
+  return rounded;
 }
 
 export const CURRENCY = 'EUR';
`;
/** The head version of {@link PATH}. */
export const HEAD_TEXT = "export function total(items: number[]): number {\n  const sum = items.reduce((a, b) => a + b, 0);\n  const rounded = Math.round(sum * 100) / 100;\n  return rounded;\n}\n\nexport const CURRENCY = 'EUR';\n";
