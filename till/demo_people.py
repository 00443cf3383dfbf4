"""Realistic French and international customers for the demo and the benchmarks."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre "
    "Mercier Dupont Dupond Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau "
    "Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont "
    "Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval "
    "Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Pérez Marchand Dufour Blanchard "
    "Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud "
    "Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard "
    "Philippe Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da Silva Hubert Louis Charles "
    "Guillot Rivière Le Gall Guillaume Adam Rey Moulin Gonzalez Berger Lecomte Menard Fleury "
    "Deschamps Carpentier Julien Benoît Paris Maillard Marchal Aubry Vasseur Le Roux Renault "
    "Jacquet Collet Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons Paul Laine Carré "
    "Breton Rémy Schneider Perrot Guyot Barre Marty Cousin Müller Schmidt Schneider Fischer "
    "Weber García Fernández González Rossi Russo Ferrari Esposito Bianchi Romano Smith Jones "
    "Williams Brown Taylor O'Brien Murphy Kelly Kowalski Nowak Wiśniewski Novák Svoboda "
    "Andersson Johansson Nielsen Hansen Silva Santos Oliveira Pereira Costa Yılmaz Kaya Demir "
    "Papadopoulos Cohen Levy Haddad Benali Mansour Diallo Traoré Ndiaye Kim Lee Park Wang Li "
    "Zhang Chen Tanaka Suzuki Ivanov Ivanova Petrov Horváth Nagy Popescu Dumitru Van Dijk "
    "De Jong Janssen Peeters Dubreuil D'Artagnan Lœuillet Ørsted Ñúñez"
).split(" ")
FIRST_NAMES = (
    "Jean Marie Pierre Michel Philippe Nathalie Isabelle Sylvie Catherine Françoise Alain "
    "Nicolas Christophe Patrick Stéphane Sébastien Julien Camille Léa Manon Chloé Emma Inès "
    "Louise Jade Zoé Lucas Hugo Louis Gabriel Arthur Jules Raphaël Noé Élodie Aurélie Hélène "
    "Céline Valérie Jérôme Frédéric François Thérèse Agnès Benoît Joël Anaïs Maëlle Gaëlle "
    "Noël Loïc Mohamed Fatima Yasmine Karim Aïcha Amadou Fatou Wei Mei Hiroshi Yuki Olga "
    "Dmitri Anna Sofia Giulia Marco Hans Greta Lars Ingrid Seán Siobhán Piotr Agnieszka "
    "Jan Eva João Ana Mehmet Elif Nikos Maria David Sarah Rachel Omar Leila José Carmen"
).split(" ")
CITIES = (
    "Paris",
    "Lyon",
    "Marseille",
    "Toulouse",
    "Nice",
    "Nantes",
    "Strasbourg",
    "Montpellier",
    "Bordeaux",
    "Lille",
    "Rennes",
    "Reims",
    "Saint-Étienne",
    "Le Havre",
    "Toulon",
    "Grenoble",
    "Dijon",
    "Angers",
    "Nîmes",
    "Villeurbanne",
    "Clermont-Ferrand",
    "Aix-en-Provence",
    "Brest",
    "Tours",
    "Amiens",
    "Limoges",
    "Annecy",
    "Perpignan",
    "Besançon",
    "Orléans",
)
COMPANY_WORDS = (
    "Boulangerie",
    "Garage",
    "Cabinet",
    "Atelier",
    "Société",
    "Café",
    "Hôtel",
    "Pharmacie",
    "Librairie",
    "Fleurs",
    "Bistrot",
    "Studio",
    "Transports",
    "Menuiserie",
    "Épicerie",
)
SEGMENTS = ("Regular", "Regular", "Regular", "VIP", "Wholesale", "Corporate")
DOMAINS = ("example.fr", "example.com", "mail.example", "example.org")


def _ascii(text: str) -> str:
    from till.core.text import fold

    return fold(text).replace(" ", "")


def people(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``count`` customers as the fields a cashier would type, the same ones for a seed."""
    rng = random.Random(seed)
    for n in range(count):
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        person: dict[str, Any] = {
            "last_name": last,
            "first_name": first,
            "city": rng.choice(CITIES),
            "postcode": f"{rng.randint(1, 95):02d}{rng.randint(0, 999):03d}",
            "segment": rng.choice(SEGMENTS),
        }
        if rng.random() < 0.8:
            person["mobile"] = f"+336{rng.choice('12456')}{rng.randint(0, 9_999_999):07d}"
        if rng.random() < 0.7:
            person["email"] = f"{_ascii(first)}.{_ascii(last)}{n}@{rng.choice(DOMAINS)}"
        if rng.random() < 0.1:
            person["kind"] = "business"
            person["company"] = f"{rng.choice(COMPANY_WORDS)} {last}"
            person["segment"] = "Corporate"
        if person["segment"] == "Wholesale":
            person["price_code"] = "PRO"
        person["consent_email"] = "email" in person and rng.random() < 0.5
        yield person
