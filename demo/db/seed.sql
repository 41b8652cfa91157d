-- Données de recette copiées depuis la production (à ne pas faire !)
CREATE TABLE clients (id INT, nom TEXT, email TEXT, telephone TEXT, nir TEXT, siret TEXT);
INSERT INTO clients VALUES (1, 'Stéphane Paul de Dupuy', 'raymond13@tiscali.fr', '0667534588', '2 28 11 63 113 225 81', '108 170 671 00433');
INSERT INTO clients VALUES (2, 'Édouard Parent', 'ruizaurore@gmail.com', '+33775574708', '2 91 11 63 113 950 52', '534 588 546 00018');
INSERT INTO clients VALUES (3, 'Michelle Becker', 'christiane47@voila.fr', '+33 (0)7 89 80 89 96', '1 65 11 68 066 771 17', '689 808 996 00235');
INSERT INTO clients VALUES (4, 'Dorothée Bodin', 'catherine04@bouygtel.fr', '07 70 44 24 91', '1 34 10 12 202 951 33', '251 935 060 00987');
INSERT INTO clients VALUES (5, 'Adrienne Rolland-Gosselin', 'noelmonique@yahoo.fr', '06.51.93.50.68', '1 41 10 10 387 337 46', '191 440 098 00694');
-- Exemple de la documentation SWIFT (donnée de test, masquée par défaut)
INSERT INTO comptes VALUES (1, 'FR14 2004 1010 0505 0001 3M02 606');
INSERT INTO commandes VALUES (1712345678901, '2024-03-12', 'a3f1c9e0b7d2', 1999.99);
