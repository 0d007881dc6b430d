using System;
using System.Collections.Generic;
using System.IO;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// Contact ids by key, compact: sorted distinct keys and their ids (<see cref="Guid.Empty"/> while unknown), 24 bytes
/// a contact in two arrays, so that the ids of a million contacts take 24 MB, not the 70 MB and more a dictionary
/// takes while it grows. What a -RemoveMissing run wants to learn, and what it learnt.
/// </summary>
public sealed class IdBook
{
    private readonly ulong[] keys;
    private readonly Guid[] ids;

    private IdBook(ulong[] keys, Guid[] ids)
    {
        this.keys = keys;
        this.ids = ids;
    }

    public int Count => keys.Length;

    /// <summary>A book of <paramref name="keys"/> (any order, repeats allowed), every id unknown. Sorts the list.</summary>
    public static IdBook Of(List<ulong> keys)
    {
        keys.Sort();
        int distinct = 0;
        for (int i = 0; i < keys.Count; i++)
        {
            if (i == 0 || keys[i] != keys[i - 1])
            {
                keys[distinct++] = keys[i];
            }
        }

        var sorted = new ulong[distinct];
        keys.CopyTo(0, sorted, 0, distinct);
        return new IdBook(sorted, new Guid[distinct]);
    }

    /// <summary>The ids in ids.learnt (<see cref="RemovalFiles"/>); empty when there is no file. Read straight into the arrays.</summary>
    public static IdBook Read(string path)
    {
        ulong[] sortedKeys = Array.Empty<ulong>();
        Guid[] sortedIds = Array.Empty<Guid>();
        int count = 0;
        RemovalFiles.ReadLearnt(
            path,
            (key, id) =>
            {
                sortedKeys[count] = key;
                sortedIds[count] = id;
                count++;
            },
            expected =>
            {
                sortedKeys = new ulong[expected];
                sortedIds = new Guid[expected];
            });
        Array.Resize(ref sortedKeys, count);
        Array.Resize(ref sortedIds, count);
        Array.Sort(sortedKeys, sortedIds);
        int distinct = 0;
        for (int i = 0; i < sortedKeys.Length; i++)
        {
            if (distinct == 0 || sortedKeys[i] != sortedKeys[distinct - 1])
            {
                sortedKeys[distinct] = sortedKeys[i];
                sortedIds[distinct] = sortedIds[i];
                distinct++;
            }
        }

        Array.Resize(ref sortedKeys, distinct);
        Array.Resize(ref sortedIds, distinct);
        return new IdBook(sortedKeys, sortedIds);
    }

    /// <summary>The index of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(ulong key)
    {
        int at = Array.BinarySearch(keys, key);
        return at >= 0 ? at : -1;
    }

    public ulong KeyAt(int index) => keys[index];

    public Guid IdAt(int index) => ids[index];

    public void SetId(int index, Guid id) => ids[index] = id;

    public bool TryGetId(ulong key, out Guid id)
    {
        int at = IndexOf(key);
        id = at >= 0 ? ids[at] : Guid.Empty;
        return id != Guid.Empty;
    }

    /// <summary>Sets the ids of the keys the book has from ids.learnt (a resumed run's finds so far).</summary>
    public void Load(string path) =>
        RemovalFiles.ReadLearnt(path, (key, id) =>
        {
            int at = IndexOf(key);
            if (at >= 0)
            {
                ids[at] = id;
            }
        });
}
