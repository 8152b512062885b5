/**
 * The seed's wiki example: saving several aggregates atomically, and name conflicts refused.
 */
import { describe, expect, it } from 'vitest';
import { RecordConflictError } from '../../src/index.js';
import { Index, Wiki } from '../../examples/wiki.js';

describe('Wiki (the seed example of saving multiple aggregates)', () => {
  it("runs the seed's example in its order: a page renamed, then both conflicts, nothing written by either", async () => {
    const wiki = new Wiki();
    await wiki.createPage('Erth', 'Lorem ipsum...');
    expect((await wiki.getPage('Erth')).body).toBe('Lorem ipsum...');
    await wiki.renamePage('Erth', 'Earth');
    expect((await wiki.getPage('Earth')).body).toBe('Lorem ipsum...');
    expect((await wiki.getPage('Earth')).name).toBe('Earth');

    // Can't create another page using an existing name.
    const beforeCreate = await wiki.recorder.maxNotificationId();
    await expect(wiki.createPage('Earth', 'Neque porro quisquam...')).rejects.toBeInstanceOf(
      RecordConflictError,
    );
    expect((await wiki.getPage('Earth')).body).toBe('Lorem ipsum...');
    expect(await wiki.recorder.maxNotificationId()).toBe(beforeCreate);

    // Can't rename another page to an existing name.
    await wiki.createPage('Mars', 'Neque porro quisquam...');
    const beforeRename = await wiki.recorder.maxNotificationId();
    await expect(wiki.renamePage('Mars', 'Earth')).rejects.toBeInstanceOf(RecordConflictError);
    expect((await wiki.getPage('Earth')).body).toBe('Lorem ipsum...');
    expect((await wiki.getPage('Mars')).body).toBe('Neque porro quisquam...');
    expect(await wiki.recorder.maxNotificationId()).toBe(beforeRename);
  });

  it('derives index ids from names (uuid v5 in the URL namespace)', () => {
    // The id Python's uuid5(NAMESPACE_URL, '/pages/Earth') gives, as the seed's Index makes it.
    expect(Index.createId('Earth')).toBe('29d224d6-64b5-5452-9198-9f475b03e36b');
    expect(Index.createId('Earth')).not.toBe(Index.createId('Mars'));
    expect(Index.createId('Earth')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('refuses a page with a name already taken, writing nothing', async () => {
    const wiki = new Wiki();
    await wiki.createPage('Erth', 'Lorem ipsum...');
    await wiki.renamePage('Erth', 'Earth');
    const before = await wiki.recorder.maxNotificationId();

    // Can't create another page using an existing name.
    await expect(wiki.createPage('Earth', 'Neque porro quisquam...')).rejects.toBeInstanceOf(
      RecordConflictError,
    );
    expect((await wiki.getPage('Earth')).body).toBe('Lorem ipsum...');
    // Nothing of the failed save was written: not even the new page.
    expect(await wiki.recorder.maxNotificationId()).toBe(before);
  });

  it('refuses to rename a page to a name already taken, writing nothing', async () => {
    const wiki = new Wiki();
    await wiki.createPage('Earth', 'Lorem ipsum...');
    await wiki.createPage('Mars', 'Neque porro quisquam...');
    const before = await wiki.recorder.maxNotificationId();

    // Can't rename another page to an existing name.
    await expect(wiki.renamePage('Mars', 'Earth')).rejects.toBeInstanceOf(RecordConflictError);
    expect((await wiki.getPage('Earth')).body).toBe('Lorem ipsum...');
    expect((await wiki.getPage('Mars')).body).toBe('Neque porro quisquam...');
    expect((await wiki.getPage('Mars')).name).toBe('Mars');
    expect(await wiki.recorder.maxNotificationId()).toBe(before);
  });

  it('updates an index reference', async () => {
    const wiki = new Wiki();
    await wiki.createPage('Earth', 'Lorem ipsum...');
    const index = await wiki.repository.get<Index>(Index.createId('Earth'));
    index.updateRef(null);
    await wiki.save(index);
    expect((await wiki.repository.get<Index>(Index.createId('Earth'))).ref).toBeNull();
    await expect(wiki.getPage('Earth')).rejects.toThrow(/no page is named Earth/);
  });
});
