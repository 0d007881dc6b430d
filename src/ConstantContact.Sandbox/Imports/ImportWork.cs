using ConstantContact.Sandbox.Activities;
using ConstantContact.Sandbox.Contacts;

namespace ConstantContact.Sandbox.Imports;

/// <summary>The work of a JSON or CSV import: read the rows, then apply them a chunk at a time.</summary>
public sealed class ImportWork : IActivityWork
{
    // Small enough that a GET waits a few milliseconds at most, large enough that locking costs nothing.
    private const int ChunkSize = 2_000;

    private readonly Func<List<ImportRow>> readRows;
    private readonly IReadOnlyList<Guid> listIds;

    public ImportWork(Func<List<ImportRow>> readRows, IReadOnlyList<Guid> listIds)
    {
        this.readRows = readRows;
        this.listIds = listIds;
    }

    public void Run(Activity activity, ContactDatabase db, TimeProvider time)
    {
        var rows = readRows();
        ImportApplier applier;
        lock (db.Gate)
        {
            // List ids were checked when the import was accepted, and the sandbox deletes no list.
            applier = new ImportApplier(activity, db, listIds.Select(db.FindList).OfType<ContactList>().ToArray());
        }

        for (var start = 0; start < rows.Count; start += ChunkSize)
        {
            lock (db.Gate)
            {
                var now = Timestamps.Now(time);
                var end = Math.Min(rows.Count, start + ChunkSize);
                for (var i = start; i < end; i++)
                {
                    applier.Apply(rows[i], now);
                }

                activity.ItemsCompletedCount += end - start;
                activity.UpdatedAt = now;
            }
        }
    }
}
