using ConstantContact.Sandbox.Contacts;

namespace ConstantContact.Sandbox.Activities;

/// <summary>Takes the source contacts (by id, or all members of source lists) off the target lists.</summary>
public sealed class RemoveListMembershipsWork : IActivityWork
{
    private readonly IReadOnlyList<Guid> _contactIds;
    private readonly IReadOnlyList<Guid> _sourceListIds;
    private readonly IReadOnlyList<Guid> _targetListIds;

    public RemoveListMembershipsWork(IReadOnlyList<Guid> contactIds, IReadOnlyList<Guid> sourceListIds, IReadOnlyList<Guid> targetListIds)
    {
        _contactIds = contactIds;
        _sourceListIds = sourceListIds;
        _targetListIds = targetListIds;
    }

    public void Run(Activity activity, ContactDatabase db, TimeProvider time)
    {
        lock (db.Gate)
        {
            var contacts = _contactIds.Select(db.FindContact).OfType<Contact>()
                .Concat(_sourceListIds.Select(db.FindList).OfType<ContactList>().SelectMany(l => l.Members))
                .Distinct()
                .ToArray();
            var targets = _targetListIds.Select(db.FindList).OfType<ContactList>().ToArray();
            foreach (var contact in contacts)
            {
                foreach (var list in targets)
                {
                    ContactDatabase.RemoveMembership(contact, list);
                }
            }

            activity.ItemsTotalCount = contacts.Length;
            activity.ItemsCompletedCount = contacts.Length;
            activity.PersonCount = contacts.Length;
            activity.ErrorCount = _contactIds.Count(id => db.FindContact(id) is null);
            if (activity.ErrorCount > 0)
            {
                activity.AddProblem("contact_id not found.");
            }

            activity.UpdatedAt = Timestamps.Now(time);
        }
    }
}
