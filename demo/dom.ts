/**
 * Small DOM helpers of the demo page: building elements and finding the page's own.
 *
 * @module
 */

/** What an element can be given as a child: nodes and text; empty values are skipped. */
export type Child = Node | string | number | null | undefined | false;

/**
 * Builds an element with attributes and children.
 *
 * @param tag - the tag name
 * @param attrs - attributes to set (`class`, `data-*`, `title`, ...); undefined ones are skipped
 * @param children - child nodes or text
 * @returns the element
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) element.setAttribute(name, String(value));
  }
  element.append(...nodes(children));
  return element;
}

/**
 * Replaces the children of an element.
 *
 * @param parent - the element
 * @param children - its new children
 */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...nodes(children));
}

/**
 * Returns the page's element with an id, of an expected class.
 *
 * @param id - the element's id
 * @param type - the expected class, such as `HTMLButtonElement`
 * @returns the element
 * @throws Error when the page has no such element
 */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`demo: the page has no ${type.name} #${id}`);
  return element;
}

/**
 * Waits a moment, so that a person can follow a replay step by step; not at all when the
 * user asked for reduced motion.
 *
 * @param ms - how long
 * @returns a promise that settles after the pause
 */
export function pause(ms: number): Promise<void> {
  if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nodes(children: readonly Child[]): (Node | string)[] {
  const out: (Node | string)[] = [];
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    out.push(typeof child === 'number' ? String(child) : child);
  }
  return out;
}
