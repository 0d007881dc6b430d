using ConstantContact.Sandbox.Contacts;

namespace ConstantContact.Sandbox.Activities;

/// <summary>
/// Takes the source contacts (by id, or all members of source lists but the excluded ones) off the target lists.
/// Only the membership changes: the contact stays, with its permission. A contact whose membership changed gets a
/// new updated_at (list memberships are part of the contact resource).
/// </summary>
public sealed class RemoveListMembershipsWork : IActivityWork
{
    private readonly IReadOnlyList<Guid> contactIds;
    private readonly IReadOnlyList<Guid> sourceListIds;
    private readonly IReadOnlyList<Guid> targetListIds;
    private readonly IReadOnlySet<Guid> excluded;

    public RemoveListMembershipsWork(IReadOnlyList<Guid> contactIds, IReadOnlyList<Guid> sourceListIds, IReadOnlyList<Guid> targetListIds, IReadOnlySet<Guid> excluded)
    {
        this.contactIds = contactIds;
        this.sourceListIds = sourceListIds;
        this.targetListIds = targetListIds;
        this.excluded = excluded;
    }

    public void Run(Activity activity, ContactDatabase db, TimeProvider time)
    {
        lock (db.Gate)
        {
            var contacts = contactIds.Select(db.FindContact).OfType<Contact>()
                .Concat(sourceListIds.Select(db.FindList).OfType<ContactList>().SelectMany(l => l.Members))
                .Distinct()
                .Where(c => !this.excluded.Contains(c.Id))
                .ToArray();
            var targets = targetListIds.Select(db.FindList).OfType<ContactList>().ToArray();
            var now = Timestamps.Now(time);
            foreach (var contact in contacts)
            {
                var changed = false;
                foreach (var list in targets)
                {
                    changed |= ContactDatabase.RemoveMembership(contact, list);
                }

                if (changed)
                {
                    contact.UpdatedAt = now;
                }
            }

            // Unknown ids are skipped and reported in activity_errors (one line with how many), the only place
            // the spec's membership status has for them; they still count among the items asked for.
            activity.ErrorCount = contactIds.Count(id => db.FindContact(id) is null);
            activity.ItemsTotalCount = contacts.Length + activity.ErrorCount;
            activity.ItemsCompletedCount = activity.ItemsTotalCount;
            activity.PersonCount = contacts.Length;
            for (var i = 0; i < activity.ErrorCount; i++)
            {
                activity.AddProblem("contact_id not found.");
            }

            activity.UpdatedAt = now;
        }
    }
}
