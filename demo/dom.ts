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

/** A control that can be turned off. */
export type Control = HTMLButtonElement | HTMLInputElement;

/** A control that lost the focus when it was turned off, to get it back. */
let unfocused: Control | undefined;

/**
 * Turns controls off or on. A control that had the focus when it was turned off gets it back
 * when it is turned on again, unless the user has moved on meanwhile.
 *
 * @param controls - the buttons and inputs
 * @param enabled - on or off
 */
export function setEnabled(controls: readonly Control[], enabled: boolean): void {
  for (const control of controls) {
    if (!enabled && document.activeElement === control) unfocused = control;
    control.disabled = !enabled;
  }
  if (!enabled || unfocused === undefined || !controls.includes(unfocused)) return;
  const active = document.activeElement;
  if (active === null || active === document.body || active === unfocused) unfocused.focus();
  unfocused = undefined;
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
