"""The member's pages: "My membership", the plans on offer and the points history."""
