package entitled

// opTexts say what each operation is: key names it in the i18n catalogue
// ("op.createCatalog"), so that a 403 says what was refused in the reader's
// language; name is its English text.
var opTexts = map[Op]struct{ key, name string }{
	OpCreateCatalog: {"op.createCatalog", "create catalogs"}, OpReadCatalog: {"op.readCatalog", "read this catalog"},
	OpEditCatalog: {"op.editCatalog", "edit this catalog"}, OpManagePackages: {"op.managePackages", "manage access packages and policies in this catalog"},
	OpViewRequests: {"op.viewRequests", "view requests and assignments in this catalog"}, OpDirectAssign: {"op.directAssign", "assign or remove access directly in this catalog"},
	OpReprocess: {"op.reprocess", "reprocess requests and assignments in this catalog"}, OpCancelAny: {"op.cancelAny", "cancel requests of other users in this catalog"},
	OpManageUsers: {"op.manageUsers", "manage users and groups"}, OpManageDirectoryRoles: {"op.manageDirectoryRoles", "assign directory roles"},
	OpManageSystems: {"op.manageSystems", "manage connected systems"}, OpReadAudit: {"op.readAudit", "read the audit log"},
}

// Key is the catalogue key of the operation's description (String is its
// English text).
func (o Op) Key() string { return opTexts[o].key }
