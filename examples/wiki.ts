/**
 * The seed's wiki example: pages found by name through index aggregates with namespaced ids,
 * so that two pages can never take the same name.
 *
 * @module
 */
import { v5 as uuid5 } from 'uuid';
import { Aggregate, AggregateCreated, AggregateEvent, Application } from '../src/index.js';

/** A page was created. */
export class PageCreated extends AggregateCreated<Page> {
  static readonly topic = 'Page.Created';
  declare readonly name: string;
  declare readonly body: string;
}

/** A page's name was changed. */
export class NameUpdated extends AggregateEvent<Page> {
  static readonly topic = 'Page.NameUpdated';
  declare readonly name: string;

  override apply(page: Page): void {
    page.name = this.name;
  }
}

/** A wiki page. */
export class Page extends Aggregate {
  static readonly topic = 'Page';
  static readonly events = [PageCreated, NameUpdated];
  name = '';
  body = '';

  /** Creates a page. */
  static create(name: string, body: string): Page {
    return this.createAggregate(PageCreated, { name, body });
  }

  /** Changes the page's name. */
  updateName(name: string): void {
    this.triggerEvent(NameUpdated, { name });
  }
}

/** An index entry was created. */
export class IndexCreated extends AggregateCreated<Index> {
  static readonly topic = 'Index.Created';
  declare readonly name: string;
  declare readonly ref: string | null;
}

/** An index entry was pointed at another page. */
export class RefUpdated extends AggregateEvent<Index> {
  static readonly topic = 'Index.RefUpdated';
  declare readonly ref: string | null;

  override apply(index: Index): void {
    index.ref = this.ref;
  }
}

/** The index entry of a page name: its id is derived from the name. */
export class Index extends Aggregate {
  static readonly topic = 'Index';
  static readonly events = [IndexCreated, RefUpdated];
  name = '';
  ref: string | null = null;

  /** Returns the id of the index entry of a name (uuid v5 in the URL namespace). */
  static createId(name: string): string {
    return uuid5(`/pages/${name}`, uuid5.URL);
  }

  /** Creates the index entry of a page's current name. */
  static create(page: Page): Index {
    return this.createAggregate(
      IndexCreated,
      { name: page.name, ref: page.id },
      { id: Index.createId(page.name) },
    );
  }

  /** Points the entry at another page (or none). */
  updateRef(ref: string | null): void {
    this.triggerEvent(RefUpdated, { ref });
  }
}

/** A wiki of named pages. */
export class Wiki extends Application {
  static override readonly applicationName = 'Wiki';
  static override readonly aggregates = [Page, Index];

  /** Creates a page and its index entry, in one atomic save. */
  async createPage(name: string, body: string): Promise<void> {
    const page = Page.create(name, body);
    const index = Index.create(page);
    await this.save(page, index);
  }

  /** Renames a page: a new index entry for the new name, saved with the page. */
  async renamePage(name: string, newName: string): Promise<void> {
    const page = await this.getPage(name);
    page.updateName(newName);
    const index = Index.create(page);
    await this.save(page, index);
  }

  /** Gets a page by its name. */
  async getPage(name: string): Promise<Page> {
    const index = await this.repository.get<Index>(Index.createId(name));
    if (index.ref === null) throw new Error(`wiki: no page is named ${name}`);
    return this.repository.get<Page>(index.ref);
  }
}
